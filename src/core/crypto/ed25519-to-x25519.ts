import { createHash } from 'node:crypto';

/**
 * The birational map from an Ed25519 public key (a twisted Edwards point) to
 * its X25519 public key (a Montgomery u-coordinate): u = (1 + y) / (1 − y) mod p,
 * as the age spec prescribes for ssh-ed25519 recipients. node:crypto has no such
 * conversion, so it is done here with BigInt field arithmetic. The point is
 * decompressed first (RFC 8032 §5.1.3) so that an encoding that is not a point on
 * the curve is refused rather than mapped to garbage.
 */
const p = (1n << 255n) - 19n;

function mod(a: bigint): bigint {
  const r = a % p;
  return r < 0n ? r + p : r;
}

function pow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return result;
}

function inverse(a: bigint): bigint {
  return pow(a, p - 2n);
}

const d = mod(-121665n * inverse(121666n));
const sqrtMinusOne = pow(2n, (p - 1n) / 4n);

function fromLittleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function toLittleEndian(n: bigint, length: number): Buffer {
  const out = Buffer.alloc(length);
  let v = n;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** True when the 32 bytes decode to a point on edwards25519 (canonical y only). */
export function isEd25519Point(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  const sign = publicKey[31]! >> 7;
  const y = fromLittleEndian(publicKey) & ((1n << 255n) - 1n);
  if (y >= p) return false;
  const y2 = (y * y) % p;
  const u = mod(y2 - 1n);
  const v = mod(d * y2 + 1n);
  const v3 = (((v * v) % p) * v) % p;
  const v7 = (((v3 * v3) % p) * v) % p;
  let x = (((u * v3) % p) * pow((u * v7) % p, (p - 5n) / 8n)) % p;
  const vx2 = (v * ((x * x) % p)) % p;
  if (vx2 !== u) {
    if (vx2 !== mod(-u)) return false;
    x = (x * sqrtMinusOne) % p;
  }
  return !(x === 0n && sign === 1);
}

/** The X25519 public key for an Ed25519 public key; throws on a non-point or the identity. */
export function ed25519PublicToX25519(publicKey: Uint8Array): Buffer {
  if (!isEd25519Point(publicKey)) throw new Error('not a valid Ed25519 public key');
  const y = fromLittleEndian(publicKey) & ((1n << 255n) - 1n);
  if (y === 1n) throw new Error('Ed25519 public key is the identity point');
  return toLittleEndian(mod((1n + y) * inverse(mod(1n - y))), 32);
}

/**
 * The X25519 scalar of an Ed25519 seed: the first half of SHA-512(seed) (RFC 8032
 * §5.1.5), which X25519 clamps as Ed25519 does, so X25519(scalar, 9) is
 * `ed25519PublicToX25519` of the seed's public key.
 */
export function ed25519SeedToX25519(seed: Uint8Array): Buffer {
  return createHash('sha512').update(seed).digest().subarray(0, 32);
}
