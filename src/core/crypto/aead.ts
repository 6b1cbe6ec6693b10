import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CircleError } from '../errors.js';

/**
 * AES-256-GCM with a random 96-bit nonce and a 128-bit tag. Every blob names its
 * format version, algorithm and key id so it can be opened (or re-wrapped) years
 * later without guessing; the AAD binds it to the record it belongs to, so a
 * ciphertext copied into another record fails to open.
 */
export const AEAD_ALG = 'A256GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

export const sealedBlobSchema = z.object({
  v: z.literal(1),
  alg: z.literal(AEAD_ALG),
  kid: z.string().min(1).max(64),
  iv: b64,
  ct: b64,
  tag: b64,
});
export type SealedBlob = z.infer<typeof sealedBlobSchema>;

export function sealBytes(key: Buffer, kid: string, plaintext: Uint8Array, aad: string): SealedBlob {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadBytes(kid, aad));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { v: 1, alg: AEAD_ALG, kid, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Opens a blob; any mismatch (key, AAD, flipped byte) is DECRYPT_FAILED (exit 5), never a partial plaintext. */
export function openBytes(key: Buffer, blob: SealedBlob, aad: string): Buffer {
  assertKey(key);
  const iv = Buffer.from(blob.iv, 'base64');
  const tag = Buffer.from(blob.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw decryptFailed();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadBytes(blob.kid, aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(blob.ct, 'base64')), decipher.final()]);
  } catch (error) {
    throw decryptFailed(error);
  }
}

function aadBytes(kid: string, aad: string): Buffer {
  // The key id is part of the AAD too, so a blob relabelled with another kid fails.
  return Buffer.from(`circle:v1|${kid}|${aad}`, 'utf8');
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new CircleError('INTERNAL', `AES-256-GCM needs a ${KEY_BYTES}-byte key`);
}

export function decryptFailed(cause?: unknown): CircleError {
  return new CircleError('DECRYPT_FAILED', 'An encrypted record failed its integrity check (tampered, moved, or wrong key)', {
    hint: 'Nothing was changed. Restore the vault from a backup if this persists.',
    ...(cause === undefined ? {} : { cause }),
  });
}

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
