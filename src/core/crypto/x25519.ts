import { diffieHellman, type KeyObject } from 'node:crypto';
import { generateOkpKeyObject, generateOkpKeyPair, okpPrivateKey, okpPublicFromPrivate, okpPublicKey, okpRawPrivateKey, okpRawPublicKey } from './okp.js';

/**
 * X25519 (RFC 7748) for users, machine tokens, age recipients and the sealed
 * parts of the audit log. Keys travel as raw 32-byte buffers (what age and most
 * X25519 code expect); `x25519PrivateKeyObject` / `x25519PublicKeyObject` turn
 * them into node:crypto KeyObjects. Conversions go through crypto/okp.ts.
 */
export interface X25519KeyPair {
  publicKey: Buffer;
  privateKey: Buffer;
}

/** A fresh key pair as raw bytes. */
export function generateX25519KeyPair(): X25519KeyPair {
  return generateOkpKeyPair('X25519');
}

/** A one-use key: the private half stays a KeyObject, the public half comes raw. */
export function generateX25519Ephemeral(): { privateKey: KeyObject; publicKey: Buffer } {
  return generateOkpKeyObject('X25519');
}

/** The KeyObject of a raw scalar; pass its public key when known (a faster import). */
export function x25519PrivateKeyObject(scalar: Uint8Array, publicKey?: Uint8Array): KeyObject {
  return okpPrivateKey('X25519', scalar, publicKey);
}

export function x25519PublicKeyObject(point: Uint8Array): KeyObject {
  return okpPublicKey('X25519', point);
}

/** The raw public key of an X25519 KeyObject (public or private). */
export function rawX25519PublicKey(key: KeyObject): Buffer {
  return okpRawPublicKey('X25519', key);
}

/** The raw scalar of a private X25519 KeyObject. */
export function rawX25519PrivateKey(key: KeyObject): Buffer {
  return okpRawPrivateKey('X25519', key);
}

/** X25519(scalar, 9): the public key of a raw scalar. */
export function x25519PublicFromPrivate(scalar: Uint8Array): Buffer {
  return okpPublicFromPrivate('X25519', scalar);
}

export function x25519KeyObjects(pair: X25519KeyPair): { publicKey: KeyObject; privateKey: KeyObject } {
  return { publicKey: x25519PublicKeyObject(pair.publicKey), privateKey: x25519PrivateKeyObject(pair.privateKey, pair.publicKey) };
}

/**
 * X25519(scalar, point), each raw or a KeyObject; undefined when the result is the
 * all-zero value (a low-order point), which every caller must refuse (RFC 7748 §6.1).
 */
export function x25519(scalar: Uint8Array | KeyObject, point: Uint8Array | KeyObject): Buffer | undefined {
  let shared: Buffer;
  try {
    shared = diffieHellman({
      privateKey: scalar instanceof Uint8Array ? x25519PrivateKeyObject(scalar) : scalar,
      publicKey: point instanceof Uint8Array ? x25519PublicKeyObject(point) : point,
    });
  } catch {
    // OpenSSL refuses low-order points itself.
    return undefined;
  }
  return shared.every((b) => b === 0) ? undefined : shared;
}
