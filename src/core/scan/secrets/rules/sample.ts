/**
 * Deterministic fake secrets for rule examples. Examples are generated rather than
 * written out so that no credential-shaped literal sits in our own source tree
 * (which would trip our scanner, push protection and every other secret scanner).
 */

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const HEX = '0123456789abcdef';
export const ALNUM = UPPER + LOWER + DIGITS;
export const UPPER_DIGITS = UPPER + DIGITS;
export const LOWER_DIGITS = LOWER + DIGITS;
export const B64 = ALNUM + '+/';
export const B64URL = ALNUM + '-_';

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** `n` characters drawn from `alphabet` by a small PRNG seeded with `seed` (mulberry32). */
export function fake(seed: string, alphabet: string, n: number): string {
  let a = seedOf(seed);
  let out = '';
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out += alphabet[Math.floor(r * alphabet.length)];
  }
  // Guarantee a digit and a letter where the alphabet has them: rules may require both.
  if (n >= 4 && /[0-9]/.test(alphabet) && !/[0-9]/.test(out)) out = `${out.slice(0, n - 1)}7`;
  if (n >= 4 && /[A-Za-z]/.test(alphabet) && !/[A-Za-z]/.test(out)) out = `${alphabet.match(/[A-Za-z]/)![0]}${out.slice(1)}`;
  return out;
}

/** Base64url without padding of a JSON value, as JWT segments are encoded. */
export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Joins pieces at run time: keeps well-known literal prefixes from appearing whole in source. */
export function j(...parts: string[]): string {
  return parts.join('');
}
