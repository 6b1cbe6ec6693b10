import { describe, expect, it } from 'vitest';
import { detailsAad, openDetails, prepareSeal, prepareSpareSeal, sealDetails, takePreparedSeal } from '../../../src/core/audit/details.js';
import { generateAuditKeys } from '../../../src/core/audit/keys.js';

describe('sealed details', () => {
  // Not generateKeyPairSync: on Node 20, exporting such a key can hang if a GC runs meanwhile (see audit/keys.ts).
  const recipient = () => {
    const keys = generateAuditKeys();
    return { publicKey: keys.detailsPublicKey, privateKey: keys.detailsPrivateKey };
  };

  it('open with the private key and the same AAD only', () => {
    const { publicKey, privateKey } = recipient();
    const sealed = sealDetails({ ip: '10.0.0.1' }, publicKey, detailsAad(7));
    expect(openDetails(sealed, privateKey, detailsAad(7))).toEqual({ ip: '10.0.0.1' });
    expect(() => openDetails(sealed, privateKey, detailsAad(8))).toThrow(/decrypt/);
    expect(() => openDetails(sealed, recipient().privateKey, detailsAad(7))).toThrow(/decrypt/);
  });

  it('use a fresh ephemeral key and nonce for every message, spares included', () => {
    const { publicKey, privateKey } = recipient();
    const sealed = [];
    for (let i = 0; i < 40; i++) {
      // Every other message is sealed with a spare prepared ahead of time, as the appender does.
      if (i % 2 === 0) prepareSpareSeal(publicKey);
      sealed.push(takePreparedSeal(publicKey).seal({ i }, detailsAad(i)));
    }
    expect(new Set(sealed.map((s) => s.epk)).size).toBe(sealed.length);
    expect(new Set(sealed.map((s) => s.iv)).size).toBe(sealed.length);
    sealed.forEach((s, i) => expect(openDetails(s, privateKey, detailsAad(i))).toEqual({ i }));
  });

  it('hand out a spare to one message only', () => {
    const { publicKey } = recipient();
    prepareSpareSeal(publicKey);
    prepareSpareSeal(publicKey);
    const spare = takePreparedSeal(publicKey);
    const next = takePreparedSeal(publicKey);
    expect(next).not.toBe(spare);
    spare.seal({ a: 1 }, detailsAad(1));
    expect(() => spare.seal({ a: 2 }, detailsAad(2))).toThrow(/single-use/);
  });

  it('a prepared seal is single-use', () => {
    const seal = prepareSeal(recipient().publicKey);
    seal.seal({}, detailsAad(0));
    expect(() => seal.seal({}, detailsAad(1))).toThrow(/single-use/);
  });
});
