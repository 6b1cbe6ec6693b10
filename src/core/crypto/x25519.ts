import type { KeyObject } from 'node:crypto';
import { generateX25519, x25519PrivateKey, x25519PublicFromScalar, x25519PublicKey } from '../age/x25519-raw.js';

/**
 * X25519 key pairs for users and machine tokens: team secrets are encrypted to
 * the public key. Keys travel as raw 32-byte buffers (what age and most X25519
 * code expect); `x25519KeyObjects` turns them into node:crypto KeyObjects for
 * `diffieHellman`. The conversions are those of age (age/x25519-raw.ts).
 */
export interface X25519KeyPair {
  publicKey: Buffer;
  privateKey: Buffer;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const { secret, publicKey } = generateX25519();
  return { publicKey, privateKey: secret };
}

export { x25519PrivateKey as x25519PrivateKeyObject, x25519PublicFromScalar as x25519PublicFromPrivate };

export function x25519KeyObjects(pair: X25519KeyPair): { publicKey: KeyObject; privateKey: KeyObject } {
  return { publicKey: x25519PublicKey(pair.publicKey), privateKey: x25519PrivateKey(pair.privateKey) };
}
