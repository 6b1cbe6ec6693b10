import { describe, expect, it } from 'vitest';
import { aes256GcmOpen, aes256GcmSeal } from '../../../src/core/crypto/aead.js';
import { hex, loadVectors } from './vectors.js';

interface Vector { name: string; key: string; iv: string; plaintext: string; aad: string; ciphertext: string; tag: string }
const { vectors } = loadVectors<{ vectors: Vector[] }>('gcm-aes256.json');

describe('AES-256-GCM known answers (McGrew–Viega GCM spec, test cases 13–16)', () => {
  it.each(vectors)('$name: seals to the published ciphertext and tag, and opens it', ({ key, iv, plaintext, aad, ciphertext, tag }) => {
    const sealed = aes256GcmSeal(hex(key), hex(plaintext), hex(aad), hex(iv));
    expect(sealed.ct.toString('hex')).toBe(ciphertext);
    expect(sealed.tag.toString('hex')).toBe(tag);
    expect(aes256GcmOpen(hex(key), { iv: hex(iv), ct: hex(ciphertext), tag: hex(tag) }, hex(aad))!.toString('hex')).toBe(plaintext);
  });

  it.each(vectors)('$name: any change to the tag, the AAD or a truncated tag does not open', ({ key, iv, aad, ciphertext, tag }) => {
    const bad = hex(tag);
    bad[0]! ^= 0x80;
    expect(aes256GcmOpen(hex(key), { iv: hex(iv), ct: hex(ciphertext), tag: bad }, hex(aad))).toBeUndefined();
    expect(aes256GcmOpen(hex(key), { iv: hex(iv), ct: hex(ciphertext), tag: hex(tag) }, Buffer.concat([hex(aad), Buffer.of(0)]))).toBeUndefined();
    // A 12-byte tag would be accepted by GCM itself; circle only takes 16.
    expect(aes256GcmOpen(hex(key), { iv: hex(iv), ct: hex(ciphertext), tag: hex(tag).subarray(0, 12) }, hex(aad))).toBeUndefined();
  });

  it('a random nonce per message', () => {
    const key = Buffer.alloc(32, 7);
    const a = aes256GcmSeal(key, Buffer.from('x'), Buffer.alloc(0));
    const b = aes256GcmSeal(key, Buffer.from('x'), Buffer.alloc(0));
    expect(a.iv).toHaveLength(12);
    expect(a.iv.equals(b.iv)).toBe(false);
  });
});
