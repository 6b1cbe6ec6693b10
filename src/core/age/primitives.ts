import { createCipheriv, createDecipheriv } from 'node:crypto';

/** HKDF-SHA-256, as every age key derivation uses it. */
export { hkdf } from '../crypto/kdf.js';

const zeroNonce = Buffer.alloc(12);

/** ChaCha20-Poly1305 with an all-zero nonce: age wraps each file key under a single-use key. */
export function wrapFileKey(key: Uint8Array, fileKey: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: 16 });
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
}

/** The file key, or undefined when the body does not open under `key`. */
export function unwrapFileKey(key: Uint8Array, body: Uint8Array, keyLength = 16): Buffer | undefined {
  if (body.length !== keyLength + 16) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: 16 });
  decipher.setAuthTag(body.subarray(keyLength));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, keyLength)), decipher.final()]);
  } catch {
    return undefined;
  }
}
