import { createHmac, randomBytes } from 'node:crypto';

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) on node:crypto's HMAC: the algorithm is a
 * dozen lines and the RFC vectors pin it down, so we avoid a dependency on the
 * hot login path. Secrets are exchanged as RFC 4648 base32 in otpauth:// URIs.
 */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export function hotp(secret: Buffer, counter: bigint | number, digits = 6, algorithm: OtpAlgorithm = 'SHA1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export interface TotpOptions {
  period?: number;
  digits?: number;
  algorithm?: OtpAlgorithm;
  t0?: number;
}

export function totpStep(unixSeconds: number, period = 30, t0 = 0): number {
  return Math.floor((unixSeconds - t0) / period);
}

export function totp(secret: Buffer, unixSeconds: number, options: TotpOptions = {}): string {
  return hotp(secret, totpStep(unixSeconds, options.period ?? 30, options.t0 ?? 0), options.digits ?? 6, options.algorithm ?? 'SHA1');
}

/**
 * The time step a code matches within ±`window` steps of now, or undefined.
 * Callers reject a step at or before the last one accepted, so a code is never
 * accepted twice.
 */
export function matchTotpStep(secret: Buffer, code: string, unixSeconds: number, window = 1): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = totpStep(unixSeconds);
  let found: number | undefined;
  // Check every candidate step regardless of an early match, to keep timing flat.
  for (let step = now - window; step <= now + window; step++) {
    const candidate = hotp(secret, step);
    if (constantTimeStringEqual(candidate, code) && found === undefined) found = step;
  }
  return found;
}

function constantTimeStringEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function generateTotpSecret(): Buffer {
  // 160 bits, the size RFC 4226 recommends for HMAC-SHA-1.
  return randomBytes(20);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (what authenticator apps expect). */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32_ALPHABET.indexOf(ch);
    if (index < 0) throw new Error('invalid base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The otpauth:// URI authenticator apps scan (Key Uri Format). */
export function totpUri(secret: Buffer, account: string, issuer = 'circle'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret: base32Encode(secret), issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${params.toString()}`;
}
