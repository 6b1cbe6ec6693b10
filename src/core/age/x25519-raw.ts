import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';

/**
 * node:crypto speaks X25519 through KeyObjects; age speaks raw 32-byte strings.
 * These helpers convert through the fixed DER prefixes of RFC 8410.
 */
const pkcs8Prefix = Buffer.from('302e020100300506032b656e04220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b656e032100', 'hex');

export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, scalar]), format: 'der', type: 'pkcs8' });
}

export function x25519PublicKey(point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([spkiPrefix, point]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(spkiPrefix.length);
}

export function rawPrivateKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'pkcs8' }).subarray(pkcs8Prefix.length);
}

/** X25519(scalar, point); undefined when the result is the all-zero value (a low-order point). */
export function x25519(scalar: Uint8Array, point: Uint8Array): Buffer | undefined {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: x25519PrivateKey(scalar), publicKey: x25519PublicKey(point) });
  } catch {
    // OpenSSL refuses low-order points itself.
    return undefined;
  }
  return shared.every((b) => b === 0) ? undefined : shared;
}

export function x25519PublicFromScalar(scalar: Uint8Array): Buffer {
  return rawPublicKey(createPublicKey(x25519PrivateKey(scalar)));
}

/**
 * Any 32 random bytes are an X25519 secret (the scalar is clamped when used), so
 * no key-generation job is needed: exporting a key from one can hang Node 20 if a
 * garbage collection runs meanwhile (see audit/details.ts).
 */
export function generateX25519(): { secret: Buffer; publicKey: Buffer } {
  const secret = randomBytes(32);
  return { secret, publicKey: x25519PublicFromScalar(secret) };
}
