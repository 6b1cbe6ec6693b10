import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { CircleError } from '../errors.js';
import { generateOkpKeyPair, okpPrivateKey, okpPublicFromPrivate, okpPublicKey, okpRawPublicKey, SPKI_PREFIX } from './okp.js';

/**
 * Ed25519 (RFC 8032) for everything circle signs: audit checkpoints, packages and
 * licenses. Keys travel as raw 32-byte seeds and public keys; KeyObjects are made
 * from them by crypto/okp.ts, which also holds the Node 20 key-generation
 * workaround (never export a key that came out of a key-generation job).
 */
export interface Ed25519KeyPair {
  /** The 32-byte private seed (RFC 8032 §5.1.5). */
  seed: Buffer;
  publicKey: Buffer;
}

const SEED_BYTES = 32;
const PUBLIC_BYTES = 32;

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateOkpKeyPair('Ed25519');
  return { seed: privateKey, publicKey };
}

/** The signing KeyObject of a seed; pass its public key when known (a faster import). */
export function ed25519PrivateKey(seed: Uint8Array, publicKey?: Uint8Array): KeyObject {
  if (seed.length !== SEED_BYTES) throw new CircleError('INTERNAL', 'An Ed25519 private key is 32 bytes');
  return okpPrivateKey('Ed25519', seed, publicKey);
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== PUBLIC_BYTES) throw new CircleError('INTEGRITY', 'An Ed25519 public key is 32 bytes');
  return okpPublicKey('Ed25519', raw);
}

export function ed25519PublicFromSeed(seed: Uint8Array): Buffer {
  if (seed.length !== SEED_BYTES) throw new CircleError('INTERNAL', 'An Ed25519 private key is 32 bytes');
  return okpPublicFromPrivate('Ed25519', seed);
}

/** RFC 8410 SubjectPublicKeyInfo prefix of a 32-byte Ed25519 public key. */
const ED25519_SPKI_PREFIX = SPKI_PREFIX.Ed25519;

/** The raw 32-byte public key of an Ed25519 KeyObject (public or private). */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  return okpRawPublicKey('Ed25519', key);
}

export function ed25519Sign(seed: Uint8Array | KeyObject, message: Uint8Array): Buffer {
  return sign(null, message, seed instanceof Uint8Array ? ed25519PrivateKey(seed) : seed);
}

/** False for a bad signature or a signature of the wrong length; never throws on hostile input. */
export function ed25519Verify(publicKey: Uint8Array | KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, message, publicKey instanceof Uint8Array ? ed25519PublicKey(publicKey) : publicKey, signature);
  } catch {
    return false;
  }
}

/** DER SubjectPublicKeyInfo of a raw public key (what PEM and npm-style key ids are made from). */
export function ed25519Spki(publicKey: Uint8Array): Buffer {
  if (publicKey.length !== PUBLIC_BYTES) throw new CircleError('INTEGRITY', 'An Ed25519 public key is 32 bytes');
  return Buffer.concat([ED25519_SPKI_PREFIX, publicKey]);
}

/** The raw public key inside a DER SubjectPublicKeyInfo, or undefined if it is not an Ed25519 SPKI. */
export function ed25519FromSpki(spki: Uint8Array): Buffer | undefined {
  const der = Buffer.from(spki);
  if (der.length !== ED25519_SPKI_PREFIX.length + PUBLIC_BYTES || !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) return undefined;
  return der.subarray(ED25519_SPKI_PREFIX.length);
}

export function ed25519PublicPem(publicKey: Uint8Array): string {
  const body = ed25519Spki(publicKey).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`;
}

/** npm's key id shape: `SHA256:` + base64 of SHA-256 over the DER SubjectPublicKeyInfo. */
export function spkiKeyId(publicKey: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(ed25519Spki(publicKey)).digest('base64')}`;
}
