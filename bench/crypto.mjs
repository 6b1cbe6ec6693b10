#!/usr/bin/env node
// Crypto key handling: what crypto/okp.ts changed. Each figure is printed beside the
// node:crypto construction the code used before (its baseline), run interleaved in the
// same process so both see the same load. Run after `npm run build`: node bench/crypto.mjs
import { createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { median, repoRoot } from './lib.mjs';

const dist = join(repoRoot, 'dist', 'core');
if (!existsSync(join(dist, 'crypto', 'okp.js'))) {
  console.error('bench/crypto.mjs: build first (npm run build)');
  process.exit(1);
}
const { generateX25519KeyPair } = await import(join(dist, 'crypto', 'x25519.js'));
const { generateEd25519KeyPair } = await import(join(dist, 'crypto', 'ed25519.js'));
const { X25519Recipient, X25519Identity } = await import(join(dist, 'age', 'x25519.js'));

const pkcs8 = { X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'), Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex') };
const spki = Buffer.from('302a300506032b656e032100', 'hex');
const importScalar = (s) => createPrivateKey({ key: Buffer.concat([pkcs8.X25519, s]), format: 'der', type: 'pkcs8' });
const publicOf = (s) => createPublicKey(importScalar(s)).export({ format: 'der', type: 'spki' }).subarray(spki.length);

// Before: 32 random bytes imported as PKCS#8, the public half exported as SPKI (age/x25519-raw.ts).
const before = {
  x25519KeyPair: () => {
    const secret = randomBytes(32);
    return { secret, publicKey: publicOf(secret) };
  },
  ed25519KeyPair: () => {
    const seed = randomBytes(32);
    return { seed, x: createPublicKey(createPrivateKey({ key: Buffer.concat([pkcs8.Ed25519, seed]), format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x };
  },
  // age X25519 stanza: ephemeral scalar, its public key, X25519 through DER imports, HKDF.
  ageWrap: (theirPublic) => {
    const e = randomBytes(32);
    const share = publicOf(e);
    const shared = diffieHellman({ privateKey: importScalar(e), publicKey: createPublicKey({ key: Buffer.concat([spki, theirPublic]), format: 'der', type: 'spki' }) });
    return hkdfSync('sha256', shared, Buffer.concat([share, theirPublic]), 'age-encryption.org/v1/X25519', 32);
  },
};

const recipientKeys = generateX25519KeyPair();
const recipient = new X25519Recipient(recipientKeys.publicKey);
const fileKey = randomBytes(16);
const cases = [
  ['X25519 key pair (users, tokens, age-keygen)', () => generateX25519KeyPair(), before.x25519KeyPair],
  ['Ed25519 key pair (licenses, packages)', () => generateEd25519KeyPair(), before.ed25519KeyPair],
  ['age X25519 wrap, per recipient', () => recipient.wrap(fileKey), () => before.ageWrap(recipientKeys.publicKey)],
];

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const PER_ROUND = Number(process.env.PER_ROUND ?? 200);
const perCall = async (fn) => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / PER_ROUND;
};
const fmt = (us) => `${us.toFixed(0)} µs`;
for (const [label, now, was] of cases) {
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await perCall(now));
    b.push(await perCall(was));
  }
  const [ma, mb] = [median(a), median(b)];
  console.log(`${label.padEnd(46)} ${fmt(ma).padStart(9)}   baseline (before crypto/okp): ${fmt(mb).padStart(9)}   ${(mb / ma).toFixed(1)}× faster`);
}

// The wrap still opens with the identity (a sanity check that the bench measured the real thing).
const identity = new X25519Identity(recipientKeys.privateKey);
const opened = await identity.unwrap(await recipient.wrap(fileKey));
if (!opened?.equals(fileKey)) throw new Error('bench/crypto.mjs: a wrapped file key did not open');
