import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openBytes, randomKey, sealBytes } from '../../../src/core/crypto/aead.js';

describe('AES-256-GCM blobs', () => {
  const key = randomKey();
  it('round-trips and is self-describing', () => {
    const blob = sealBytes(key, 'k1', Buffer.from('hello'), 'record|a');
    expect(blob).toMatchObject({ v: 1, alg: 'A256GCM', kid: 'k1' });
    expect(Buffer.from(blob.iv, 'base64')).toHaveLength(12);
    expect(openBytes(key, blob, 'record|a').toString()).toBe('hello');
  });
  it('rejects another AAD, another kid label, or another key (exit 5)', () => {
    const blob = sealBytes(key, 'k1', Buffer.from('hello'), 'record|a');
    expect(() => openBytes(key, blob, 'record|b')).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED', exitCode: 5 }));
    expect(() => openBytes(key, { ...blob, kid: 'k2' }, 'record|a')).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
    expect(() => openBytes(randomKey(), blob, 'record|a')).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
  });
  it('detects any flipped bit in iv, ciphertext or tag', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom('iv', 'ct', 'tag'), fc.nat(), fc.integer({ min: 0, max: 7 }), (plain, field, pos, bit) => {
        const blob = sealBytes(key, 'k1', plain, 'x');
        const bytes = Buffer.from(blob[field as 'iv' | 'ct' | 'tag'], 'base64');
        bytes[pos % bytes.length]! ^= 1 << bit;
        expect(() => openBytes(key, { ...blob, [field]: bytes.toString('base64') }, 'x')).toThrow(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
      }),
      { numRuns: 100 },
    );
  });
});
