import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CircleError } from '../errors.js';

/**
 * Raw 32-byte X25519 and Ed25519 keys ("octet key pairs", RFC 8037) to and from
 * node:crypto KeyObjects: the one place circle crosses between the two.
 *
 * The Node 20 workaround lives here and nowhere else: a KeyObject that came out of
 * `generateKeyPair[Sync]` is never `export()`ed. On Node 20 a garbage collection
 * during such an export can finalize the key-generation job, whose destructor waits
 * for the mutex the export holds, and the process hangs (seen in the audit append
 * benchmark, and in 2 of 11 runs of 100,000 generate-then-export calls). Key
 * generation therefore asks for the halves it needs already encoded as JWK, and
 * every other KeyObject is imported from raw bytes.
 *
 * JWK is also the fast path: importing or exporting DER (PKCS#8, SPKI) goes through
 * OpenSSL 3's decoder lookup and costs about ten times as much, so PKCS#8 is used
 * only when a private key must be imported without its public half.
 */
export type OkpCurve = 'X25519' | 'Ed25519';

export const OKP_KEY_BYTES = 32;

/** RFC 8410 PKCS#8 prefixes of a raw 32-byte private key. */
const PKCS8_PREFIX: Record<OkpCurve, Buffer> = {
  X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
  Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
};

/** RFC 8410 SubjectPublicKeyInfo prefixes of a raw 32-byte public key. */
export const SPKI_PREFIX: Record<OkpCurve, Buffer> = {
  X25519: Buffer.from('302a300506032b656e032100', 'hex'),
  Ed25519: Buffer.from('302a300506032b6570032100', 'hex'),
};

type JwkPair = { publicKey: { x?: string }; privateKey: { d?: string; x?: string } };
type JwkPublicWithKeyObject = { publicKey: { x?: string }; privateKey: KeyObject };

/** `generateKeyPairSync` with JWK encodings, which @types/node has no overload for. */
const generateJwk = generateKeyPairSync as unknown as (
  type: 'x25519' | 'ed25519',
  options: { publicKeyEncoding: { format: 'jwk' }; privateKeyEncoding?: { format: 'jwk' } },
) => JwkPair | JwkPublicWithKeyObject;

function okpType(crv: OkpCurve): 'x25519' | 'ed25519' {
  return crv === 'X25519' ? 'x25519' : 'ed25519';
}

function rawFromJwk(value: string | undefined, what: string): Buffer {
  const raw = Buffer.from(value ?? '', 'base64url');
  if (raw.length !== OKP_KEY_BYTES) throw new CircleError('INTERNAL', `A malformed ${what} (not ${OKP_KEY_BYTES} bytes)`);
  return raw;
}

/** A fresh key pair as raw bytes (the X25519 scalar or the Ed25519 seed, and the public key). */
export function generateOkpKeyPair(crv: OkpCurve): { privateKey: Buffer; publicKey: Buffer } {
  const pair = generateJwk(okpType(crv), { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } }) as JwkPair;
  return { privateKey: rawFromJwk(pair.privateKey.d, 'private key'), publicKey: rawFromJwk(pair.publicKey.x, 'public key') };
}

/**
 * A fresh key pair whose private half stays a KeyObject (it is never exported),
 * for one-use keys such as an ephemeral X25519 share: no import is needed at all.
 */
export function generateOkpKeyObject(crv: OkpCurve): { privateKey: KeyObject; publicKey: Buffer } {
  const pair = generateJwk(okpType(crv), { publicKeyEncoding: { format: 'jwk' } }) as JwkPublicWithKeyObject;
  return { privateKey: pair.privateKey, publicKey: rawFromJwk(pair.publicKey.x, 'public key') };
}

function assertLength(raw: Uint8Array, crv: OkpCurve, half: 'private' | 'public', code: 'INTERNAL' | 'INTEGRITY'): void {
  if (raw.length !== OKP_KEY_BYTES) throw new CircleError(code, `An ${crv} ${half} key is ${OKP_KEY_BYTES} bytes`);
}

/**
 * The private KeyObject of a raw key. With its public half (when the caller has it)
 * the import is a JWK one; without, PKCS#8, since a JWK private key needs `x`.
 */
export function okpPrivateKey(crv: OkpCurve, raw: Uint8Array, publicKey?: Uint8Array): KeyObject {
  assertLength(raw, crv, 'private', 'INTERNAL');
  if (publicKey !== undefined) {
    assertLength(publicKey, crv, 'public', 'INTERNAL');
    return createPrivateKey({ key: { kty: 'OKP', crv, d: Buffer.from(raw).toString('base64url'), x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
  }
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[crv], raw]), format: 'der', type: 'pkcs8' });
}

/** The public KeyObject of a raw public key; INTEGRITY (exit 5) when it is not 32 bytes. */
export function okpPublicKey(crv: OkpCurve, raw: Uint8Array): KeyObject {
  assertLength(raw, crv, 'public', 'INTEGRITY');
  return createPublicKey({ key: { kty: 'OKP', crv, x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

function jwkOf(crv: OkpCurve, key: KeyObject, wantPrivate: boolean): { x?: string; d?: string } {
  const jwk = (wantPrivate ? key : key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (jwk.crv !== crv) throw new CircleError('INTEGRITY', `Not an ${crv} key`);
  return jwk;
}

/** The raw public key of a KeyObject (public or private). Never call it on a key from `generateKeyPair*`. */
export function okpRawPublicKey(crv: OkpCurve, key: KeyObject): Buffer {
  return rawFromJwk(jwkOf(crv, key, false).x, 'public key');
}

/** The raw private key (X25519 scalar, Ed25519 seed) of a private KeyObject. */
export function okpRawPrivateKey(crv: OkpCurve, key: KeyObject): Buffer {
  if (key.type !== 'private') throw new CircleError('INTERNAL', `Not an ${crv} private key`);
  return rawFromJwk(jwkOf(crv, key, true).d, 'private key');
}

/** The raw public key that belongs to a raw private key. */
export function okpPublicFromPrivate(crv: OkpCurve, raw: Uint8Array): Buffer {
  return okpRawPublicKey(crv, okpPrivateKey(crv, raw));
}
