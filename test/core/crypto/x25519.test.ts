import { describe, expect, it } from 'vitest';
import { ed25519PublicFromSeed } from '../../../src/core/crypto/ed25519.js';
import { ed25519PublicToX25519, ed25519SeedToX25519 } from '../../../src/core/crypto/ed25519-to-x25519.js';
import {
  generateX25519KeyPair,
  rawX25519PrivateKey,
  rawX25519PublicKey,
  x25519,
  x25519KeyObjects,
  x25519PrivateKeyObject,
  x25519PublicFromPrivate,
  x25519PublicKeyObject,
} from '../../../src/core/crypto/x25519.js';
import { hex, loadVectors } from './vectors.js';

interface X25519Vectors {
  scalarMult: { name: string; scalar: string; u: string; output: string }[];
  iterated: { start: string; after: Record<string, string> };
  diffieHellman: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; shared: string };
}
const v = loadVectors<X25519Vectors>('rfc7748-x25519.json');

describe('X25519 known answers (RFC 7748)', () => {
  it.each(v.scalarMult)('§5.2 $name', ({ scalar, u, output }) => {
    expect(x25519(hex(scalar), hex(u))!.toString('hex')).toBe(output);
    // The same through KeyObjects.
    expect(x25519(x25519PrivateKeyObject(hex(scalar)), x25519PublicKeyObject(hex(u)))!.toString('hex')).toBe(output);
  });

  it('§5.2 iterated: after 1 and 1,000 iterations', () => {
    let k = hex(v.iterated.start);
    let u = hex(v.iterated.start);
    for (let i = 1; i <= 1000; i++) {
      const next = x25519(k, u)!;
      u = k;
      k = next;
      const want = v.iterated.after[String(i)];
      if (want !== undefined) expect(k.toString('hex'), `iteration ${i}`).toBe(want);
    }
    expect(Object.keys(v.iterated.after)).toEqual(['1', '1000']);
  });

  it('§6.1 Diffie-Hellman: both public keys and the shared secret', () => {
    const d = v.diffieHellman;
    expect(x25519PublicFromPrivate(hex(d.alicePrivate)).toString('hex')).toBe(d.alicePublic);
    expect(x25519PublicFromPrivate(hex(d.bobPrivate)).toString('hex')).toBe(d.bobPublic);
    expect(x25519(hex(d.alicePrivate), hex(d.bobPublic))!.toString('hex')).toBe(d.shared);
    expect(x25519(hex(d.bobPrivate), hex(d.alicePublic))!.toString('hex')).toBe(d.shared);
    const alice = x25519KeyObjects({ privateKey: hex(d.alicePrivate), publicKey: hex(d.alicePublic) });
    expect(rawX25519PublicKey(alice.privateKey).toString('hex')).toBe(d.alicePublic);
    expect(rawX25519PrivateKey(alice.privateKey).toString('hex')).toBe(d.alicePrivate);
  });

  it('refuses low-order points (an all-zero result)', () => {
    const scalar = hex(v.diffieHellman.alicePrivate);
    expect(x25519(scalar, Buffer.alloc(32))).toBeUndefined();
    expect(x25519(scalar, Buffer.concat([Buffer.of(1), Buffer.alloc(31)]))).toBeUndefined();
  });
});

describe('X25519 keys', () => {
  it('a generated pair belongs together; two pairs agree on one secret', () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    expect(x25519PublicFromPrivate(a.privateKey).equals(a.publicKey)).toBe(true);
    expect(x25519(a.privateKey, b.publicKey)!.equals(x25519(b.privateKey, a.publicKey)!)).toBe(true);
  });

  it('the Ed25519 → X25519 maps agree: X25519(scalar of the seed) is the map of the public key', () => {
    for (const seed of ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb']) {
      const edPublic = ed25519PublicFromSeed(hex(seed));
      expect(x25519PublicFromPrivate(ed25519SeedToX25519(hex(seed))).equals(ed25519PublicToX25519(edPublic))).toBe(true);
    }
  });
});
