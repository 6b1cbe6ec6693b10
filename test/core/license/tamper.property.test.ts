import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../../src/core/crypto/ed25519.js';
import { signLicense, verifyLicense } from '../../../src/core/license/index.js';

/**
 * Issue 17, "must show": every single-byte change anywhere in a license file is
 * rejected. fast-check picks a position and a different byte value; the changed
 * file must not verify, in either mode, with or without encryption.
 */
const issuer = generateEd25519KeyPair();
const T0 = Date.parse('2027-03-01T00:00:00Z');
const plain = signLicense(
  { licensee: 'Acme Ltd', product: 'Rocket', entitlements: ['pro', 'sso'], meta: { order: '42' }, expires: T0 + 86_400_000 * 30, seats: 5, graceSeconds: 86_400 },
  issuer.seed,
  { issued: T0 },
).text;
const encrypted = signLicense({ licensee: 'Acme Ltd', product: 'Rocket', entitlements: ['pro'] }, issuer.seed, { issued: T0, licenseKey: 'K-1' }).text;

function changedByte(text: string, position: number, value: number): string {
  const bytes = Buffer.from(text, 'latin1');
  bytes[position % bytes.length] = value;
  return bytes.toString('latin1');
}

describe('every single-byte change to a license file is rejected', () => {
  for (const [name, text, licenseKey] of [['plain', plain, undefined], ['encrypted', encrypted, 'K-1']] as const) {
    it(`${name}: the original verifies, every mutant does not`, () => {
      expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, licenseKey }).valid).toBe(true);
      fc.assert(
        fc.property(fc.nat({ max: text.length - 1 }), fc.integer({ min: 0, max: 255 }), (position, value) => {
          fc.pre(text.charCodeAt(position) !== value);
          const mutant = changedByte(text, position, value);
          for (const mode of ['enforce', 'advisory'] as const) {
            const r = verifyLicense(mutant, { publicKey: issuer.publicKey, now: T0, licenseKey, mode });
            expect(r.valid, `byte ${position} -> ${value}: ${r.reason}`).toBe(false);
            expect(['malformed', 'tampered', 'wrong-key']).toContain(r.reason);
          }
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('exhaustively for every position, with a value from each character class', () => {
    for (let position = 0; position < plain.length; position++) {
      for (const value of [0x00, 0x0a, 0x0d, 0x20, 0x2b, 0x2f, 0x3d, 0x41, 0x61, 0x30, 0xff]) {
        if (plain.charCodeAt(position) === value) continue;
        const r = verifyLicense(changedByte(plain, position, value), { publicKey: issuer.publicKey, now: T0 });
        if (r.valid) throw new Error(`byte ${position} -> ${value} was accepted`);
      }
    }
  });
});
