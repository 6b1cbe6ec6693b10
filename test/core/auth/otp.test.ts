import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotpStep, totp, totpUri, type OtpAlgorithm } from '../../../src/core/auth/otp.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const vectors = JSON.parse(readFileSync(resolve(repoRoot, 'test/vectors/auth/otp-argon2-vectors.json'), 'utf8')) as {
  hotp_rfc4226: { secret_ascii: string; vectors: { counter: number; hotp: string }[] };
  totp_rfc6238: { seeds_ascii: Record<OtpAlgorithm, string>; digits: number; vectors: { unix_time: number; algorithm: OtpAlgorithm; totp: string }[] };
};

describe('HOTP (RFC 4226 Appendix D)', () => {
  const secret = Buffer.from(vectors.hotp_rfc4226.secret_ascii, 'ascii');
  it.each(vectors.hotp_rfc4226.vectors)('counter $counter → $hotp', ({ counter, hotp: expected }) => {
    expect(hotp(secret, counter)).toBe(expected);
  });
});

describe('TOTP (RFC 6238 Appendix B)', () => {
  const t = vectors.totp_rfc6238;
  it('has all 18 vectors', () => expect(t.vectors.length).toBe(18));
  it.each(t.vectors)('$unix_time $algorithm → $totp', ({ unix_time, algorithm, totp: expected }) => {
    expect(totp(Buffer.from(t.seeds_ascii[algorithm], 'ascii'), unix_time, { digits: t.digits, algorithm })).toBe(expected);
  });
});

describe('TOTP verification window', () => {
  const secret = Buffer.from('12345678901234567890');
  it('accepts ±1 step and rejects ±2', () => {
    const now = 1_111_111_109;
    const step = Math.floor(now / 30);
    expect(matchTotpStep(secret, totp(secret, now), now)).toBe(step);
    expect(matchTotpStep(secret, totp(secret, now - 30), now)).toBe(step - 1);
    expect(matchTotpStep(secret, totp(secret, now + 30), now)).toBe(step + 1);
    expect(matchTotpStep(secret, totp(secret, now - 60), now)).toBeUndefined();
    expect(matchTotpStep(secret, 'abcdef', now)).toBeUndefined();
  });
});

describe('base32 (RFC 4648 §10)', () => {
  it('matches the RFC test vectors', () => {
    const cases: [string, string][] = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of cases) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
  });
  it('round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => base32Decode(base32Encode(Buffer.from(bytes))).equals(Buffer.from(bytes))));
  });
  it('builds an otpauth URI', () => {
    const text = totpUri(Buffer.from('12345678901234567890'), 'alice');
    // otplib omits algorithm, digits and period when they are the Key Uri Format defaults (SHA1, 6, 30).
    expect(text).toBe('otpauth://totp/circle:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=circle');
    const uri = new URL(text);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(uri.searchParams.get('algorithm') ?? 'SHA1').toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
  });
});
