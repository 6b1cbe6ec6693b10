import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ed25519FromSpki,
  ed25519PrivateKey,
  ed25519PublicFromSeed,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Spki,
  ed25519Verify,
  generateEd25519KeyPair,
  rawEd25519PublicKey,
} from '../../../src/core/crypto/ed25519.js';
import { hex, loadVectors } from './vectors.js';

interface Vector { name: string; secretKey: string; publicKey: string; message: string; signature: string }
const { vectors } = loadVectors<{ vectors: Vector[] }>('rfc8032-ed25519.json');

describe('Ed25519 known answers (RFC 8032 §7.1)', () => {
  it('has TEST 1, 2, 3, 1024 and SHA(abc)', () => {
    expect(vectors.map((v) => v.name)).toEqual(['TEST 1', 'TEST 2', 'TEST 3', 'TEST 1024', 'TEST SHA(abc)']);
    expect(hex(vectors[3]!.message)).toHaveLength(1023);
    // The SHA(abc) message is SHA-512("abc"): a check of the transcription itself.
    expect(vectors[4]!.message).toBe(createHash('sha512').update('abc').digest('hex'));
  });

  it.each(vectors)('$name: public key, signature byte for byte, verification', ({ secretKey, publicKey, message, signature }) => {
    const seed = hex(secretKey);
    expect(ed25519PublicFromSeed(seed).toString('hex')).toBe(publicKey);
    expect(ed25519Sign(seed, hex(message)).toString('hex')).toBe(signature);
    // The KeyObject paths (PKCS#8 import without the public key, JWK import with it) sign alike.
    expect(ed25519Sign(ed25519PrivateKey(seed, hex(publicKey)), hex(message)).toString('hex')).toBe(signature);
    expect(rawEd25519PublicKey(ed25519PrivateKey(seed)).toString('hex')).toBe(publicKey);
    expect(ed25519Verify(hex(publicKey), hex(message), hex(signature))).toBe(true);
    expect(ed25519Verify(ed25519PublicKey(hex(publicKey)), hex(message), hex(signature))).toBe(true);
  });

  it.each(vectors)('$name: a flipped bit in the signature or the message fails, a short signature is false', ({ publicKey, message, signature }) => {
    const sig = hex(signature);
    for (const i of [0, 31, 32, 63]) {
      const bad = Buffer.from(sig);
      bad[i]! ^= 1;
      expect(ed25519Verify(hex(publicKey), hex(message), bad)).toBe(false);
    }
    expect(ed25519Verify(hex(publicKey), Buffer.concat([hex(message), Buffer.of(0)]), sig)).toBe(false);
    expect(ed25519Verify(hex(publicKey), hex(message), sig.subarray(0, 63))).toBe(false);
  });
});

describe('Ed25519 keys', () => {
  it('a generated pair belongs together and round-trips through SPKI', () => {
    const pair = generateEd25519KeyPair();
    expect(pair.seed).toHaveLength(32);
    expect(ed25519PublicFromSeed(pair.seed).equals(pair.publicKey)).toBe(true);
    expect(ed25519FromSpki(ed25519Spki(pair.publicKey))!.equals(pair.publicKey)).toBe(true);
    const sig = ed25519Sign(pair.seed, Buffer.from('m'));
    expect(ed25519Verify(pair.publicKey, Buffer.from('m'), sig)).toBe(true);
  });

  it('refuses keys of the wrong length', () => {
    expect(() => ed25519PublicKey(Buffer.alloc(31))).toThrow(expect.objectContaining({ code: 'INTEGRITY' }));
    expect(() => ed25519PrivateKey(Buffer.alloc(33))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
