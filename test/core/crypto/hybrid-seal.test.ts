import { describe, expect, it } from 'vitest';
import { agreeAsRecipient, agreeWithRecipient, hybridOpen, hybridSeal, prepareHybridSeal } from '../../../src/core/crypto/hybrid-seal.js';
import { hkdf } from '../../../src/core/crypto/kdf.js';
import { generateX25519KeyPair, x25519, x25519KeyObjects } from '../../../src/core/crypto/x25519.js';

describe('hybrid seal (ephemeral X25519 + HKDF-SHA-256 + AES-256-GCM)', () => {
  const me = generateX25519KeyPair();
  const aad = Buffer.from('record 7');

  it('the key agreement is age\'s: HKDF(X25519(e, R), salt = epk ‖ R, info)', () => {
    const { epk, key } = agreeWithRecipient(me.publicKey, 'label');
    expect(epk).toHaveLength(32);
    expect(key.equals(hkdf(x25519(me.privateKey, epk)!, Buffer.concat([epk, me.publicKey]), 'label'))).toBe(true);
    expect(agreeAsRecipient(me.privateKey, me.publicKey, epk, 'label')!.equals(key)).toBe(true);
    expect(agreeAsRecipient(me.privateKey, me.publicKey, epk, 'other')!.equals(key)).toBe(false);
    expect(agreeWithRecipient(me.publicKey, 'label', { keyLength: 16 }).key).toHaveLength(16);
  });

  it('round-trips with raw keys and KeyObjects; every message has its own ephemeral key', () => {
    const objects = x25519KeyObjects(me);
    const a = hybridSeal(me.publicKey, Buffer.from('secret'), aad, 'info');
    const b = hybridSeal(objects.publicKey, Buffer.from('secret'), aad, 'info');
    expect(a.epk.equals(b.epk)).toBe(false);
    expect(hybridOpen(me.privateKey, me.publicKey, a, aad, 'info')!.toString()).toBe('secret');
    expect(hybridOpen(objects.privateKey, me.publicKey, b, aad, 'info')!.toString()).toBe('secret');
  });

  it('does not open with another key, AAD or info, a changed byte, or a low-order epk', () => {
    const sealed = hybridSeal(me.publicKey, Buffer.from('secret'), aad, 'info');
    const other = generateX25519KeyPair();
    expect(hybridOpen(other.privateKey, other.publicKey, sealed, aad, 'info')).toBeUndefined();
    expect(hybridOpen(me.privateKey, me.publicKey, sealed, Buffer.from('record 8'), 'info')).toBeUndefined();
    expect(hybridOpen(me.privateKey, me.publicKey, sealed, aad, 'infO')).toBeUndefined();
    const ct = Buffer.from(sealed.ct);
    ct[0]! ^= 1;
    expect(hybridOpen(me.privateKey, me.publicKey, { ...sealed, ct }, aad, 'info')).toBeUndefined();
    expect(hybridOpen(me.privateKey, me.publicKey, { ...sealed, epk: Buffer.alloc(32) }, aad, 'info')).toBeUndefined();
  });

  it('a prepared seal is single-use; a low-order recipient is a usage error', () => {
    const prepared = prepareHybridSeal(me.publicKey, 'info');
    prepared.seal(Buffer.from('one'), aad);
    expect(() => prepared.seal(Buffer.from('two'), aad)).toThrow(/single-use/);
    expect(() => agreeWithRecipient(Buffer.alloc(32), 'info')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
