import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CircleError } from '../errors.js';

/**
 * The AES-256-GCM primitive (96-bit nonce, 128-bit tag), the only place circle calls
 * the cipher. Kept apart from aead.ts's self-describing blobs (which need zod) so the
 * embeddable license verifier can use it and stay light.
 */
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** One AES-256-GCM message: 96-bit nonce, ciphertext, 128-bit tag. */
export interface GcmSealed {
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

/**
 * AES-256-GCM encryption, the only one in circle: every format that uses it
 * (vault blobs, project secret values, audit details) encodes these three parts
 * its own way. The nonce is random unless a test passes a known-answer one.
 */
export function aes256GcmSeal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, iv: Uint8Array = randomBytes(IV_BYTES)): GcmSealed {
  assertKey(key);
  if (iv.length !== IV_BYTES) throw new CircleError('INTERNAL', `AES-256-GCM takes a ${IV_BYTES}-byte nonce here`);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: Buffer.from(iv), ct, tag: cipher.getAuthTag() };
}

/** The plaintext, or undefined when anything (key, nonce, AAD, a byte, the tag or its length) is wrong. */
export function aes256GcmOpen(key: Uint8Array, sealed: GcmSealed, aad: Uint8Array): Buffer | undefined {
  assertKey(key);
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
  } catch {
    return undefined;
  }
}

function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new CircleError('INTERNAL', `AES-256-GCM needs a ${KEY_BYTES}-byte key`);
}
