import { generateSecret, generateSync, generateURI, ScureBase32Plugin, verifySync, type HashAlgorithm } from 'otplib';

/**
 * HOTP (RFC 4226), TOTP (RFC 6238), RFC 4648 base32 and the otpauth:// URI, all
 * delegated to otplib 13 so that no OTP primitive is written here (DESIGN §4).
 * Callers are synchronous, so only otplib's *Sync functions are used, with its
 * default synchronous plugins (@noble/hashes HMAC, @scure/base base32); no
 * node:crypto plugin ships with the installed otplib. otplib's guardrails apply:
 * secrets must be 16–64 bytes and counters at most Number.MAX_SAFE_INTEGER.
 * This module keeps our Buffer-based API: secrets are raw bytes everywhere
 * else in circle, and base32 only appears at the authenticator-app boundary.
 */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

const HASH: Record<OtpAlgorithm, HashAlgorithm> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
const base32 = new ScureBase32Plugin();

export function hotp(secret: Buffer, counter: bigint | number, digits = 6, algorithm: OtpAlgorithm = 'SHA1'): string {
  // otplib validates the counter as a safe integer; a bigint beyond that is refused, not truncated.
  return generateSync({ strategy: 'hotp', secret, counter: Number(counter), digits, algorithm: HASH[algorithm] });
}

export interface TotpOptions {
  period?: number;
  digits?: number;
  algorithm?: OtpAlgorithm;
  t0?: number;
}

/**
 * RFC 6238 §4.2's T = floor((now - T0) / X). Kept here because the `otplib`
 * package does not export its equivalent (getTimeStepUsed lives in @otplib/totp,
 * which is not a direct dependency of circle).
 */
export function totpStep(unixSeconds: number, period = 30, t0 = 0): number {
  return Math.floor((unixSeconds - t0) / period);
}

export function totp(secret: Buffer, unixSeconds: number, options: TotpOptions = {}): string {
  return generateSync({
    strategy: 'totp',
    secret,
    epoch: unixSeconds,
    period: options.period ?? 30,
    t0: options.t0 ?? 0,
    digits: options.digits ?? 6,
    algorithm: HASH[options.algorithm ?? 'SHA1'],
  });
}

/**
 * The time step a code matches within ±`window` steps of now, or undefined.
 * Callers reject a step at or before the last one accepted, so a code is never
 * accepted twice. otplib compares each candidate in constant time; it stops at
 * the first matching step, which tells a timer only which step matched.
 */
export function matchTotpStep(secret: Buffer, code: string, unixSeconds: number, window = 1): number | undefined {
  // otplib throws on a malformed token; a wrong-looking code is just a wrong code here.
  if (!/^\d{6}$/.test(code)) return undefined;
  const period = 30;
  // Shifting the time by whole periods moves the step by exactly that many, so
  // a tolerance of window × period seconds checks exactly steps now-window … now+window.
  const result = verifySync({ strategy: 'totp', secret, token: code, epoch: unixSeconds, period, epochTolerance: window * period });
  // The result type is shared with HOTP; only TOTP's valid result carries timeStep.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

export function generateTotpSecret(): Buffer {
  // 160 bits (otplib's default, the size RFC 4226 recommends for HMAC-SHA-1);
  // otplib hands it out as base32, circle stores raw bytes.
  return base32Decode(generateSecret({ length: 20 }));
}

/** RFC 4648 base32 without padding (what authenticator apps expect). */
export function base32Encode(bytes: Buffer): string {
  return base32.encode(bytes, { padding: false });
}

export function base32Decode(text: string): Buffer {
  // Apps display secrets in space-separated groups; otplib's decoder handles case and padding.
  return Buffer.from(base32.decode(text.replace(/\s+/g, '')));
}

/**
 * The otpauth:// URI authenticator apps scan (Key Uri Format). otplib omits
 * algorithm, digits and period when they are the defaults (SHA1, 6, 30), which
 * is what circle uses.
 */
export function totpUri(secret: Buffer, account: string, issuer = 'circle'): string {
  return generateURI({ strategy: 'totp', issuer, label: account, secret: base32Encode(secret), algorithm: 'sha1', digits: 6, period: 30 });
}
