import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CircleError } from '../errors.js';
import { aes256GcmOpen, aes256GcmSeal, KEY_BYTES } from './gcm.js';

export { aes256GcmOpen, aes256GcmSeal, KEY_BYTES, type GcmSealed } from './gcm.js';

/**
 * AES-256-GCM with a random 96-bit nonce and a 128-bit tag. Every blob names its
 * format version, algorithm and key id so it can be opened (or re-wrapped) years
 * later without guessing; the AAD binds it to the record it belongs to, so a
 * ciphertext copied into another record fails to open.
 */
export const AEAD_ALG = 'A256GCM';

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
  const { iv, ct, tag } = aes256GcmSeal(key, plaintext, aadBytes(kid, aad));
  return { v: 1, alg: AEAD_ALG, kid, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: tag.toString('base64') };
}

/** Opens a blob; any mismatch (key, AAD, flipped byte) is DECRYPT_FAILED (exit 5), never a partial plaintext. */
export function openBytes(key: Buffer, blob: SealedBlob, aad: string): Buffer {
  const plain = aes256GcmOpen(key, { iv: Buffer.from(blob.iv, 'base64'), ct: Buffer.from(blob.ct, 'base64'), tag: Buffer.from(blob.tag, 'base64') }, aadBytes(blob.kid, aad));
  if (plain === undefined) throw decryptFailed();
  return plain;
}

function aadBytes(kid: string, aad: string): Buffer {
  // The key id is part of the AAD too, so a blob relabelled with another kid fails.
  return Buffer.from(`circle:v1|${kid}|${aad}`, 'utf8');
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
