import { shannonEntropy } from './entropy.js';

/**
 * The checks of the catch-all rules (`api_key = "…"`), which see every value assigned to a
 * secret-looking name and must tell a random credential from a digest, an id or a word.
 */

/** Names that hold a digest, an id or a version of something, not the thing: `token_hash`, `secret_sha256`, `key_id`. */
const DIGEST_NAME = /hash|digest|checksum|sha\d*|md5|crc|integrity|fingerprint|commit|revision|(?:^|[_.-])rev(?:$|[_.-])|etag|(?:^|[_.-])ids?$|uuid|guid/i;

export function nameHoldsDigest(name: string): boolean {
  return DIGEST_NAME.test(name);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Subresource-integrity strings (`sha512-…`), as lockfiles write them. */
const INTEGRITY = /^(?:sha(?:1|256|384|512)|md5)-/i;

/** How many symbols the value's alphabet has: hex, lowercase letters and digits, or all of base64. */
function alphabetSize(secret: string): number {
  if (/^[0-9a-f]+$/.test(secret) || /^[0-9A-F]+$/.test(secret)) return 16;
  if (/^[0-9a-z]+$/.test(secret) || /^[0-9A-Z]+$/.test(secret)) return 36;
  return 64;
}

const expectedCache = new Map<string, number>();

/**
 * The Shannon entropy a random string of `n` symbols drawn uniformly from `k` is expected to
 * score, exactly: each symbol's count is binomial(n, 1/k), so E[H] = -k Σ_c P(c) (c/n) log2(c/n).
 * (Short strings score well below log2(k): 20 random hex digits average 3.36 bits, not 4.)
 */
export function expectedEntropy(k: number, n: number): number {
  const key = `${k}/${n}`;
  let value = expectedCache.get(key);
  if (value === undefined) {
    const p = 1 / k;
    let logFactorial = 0;
    const logFactorials = [0];
    for (let i = 1; i <= n; i++) logFactorials.push((logFactorial += Math.log(i)));
    let sum = 0;
    for (let c = 1; c <= n; c++) {
      const logPmf = logFactorials[n]! - logFactorials[c]! - logFactorials[n - c]! + c * Math.log(p) + (n - c) * Math.log(1 - p);
      sum += Math.exp(logPmf) * (c / n) * Math.log2(c / n);
    }
    value = -k * sum;
    expectedCache.set(key, value);
  }
  return value;
}

/**
 * The entropy a value must reach to pass as random: what a random string of its length over
 * its alphabet is expected to score, less half a bit (below the 1st percentile of random
 * strings for every length from 20 chars). A fixed floor (3.7 bits) dropped most random 32-hex
 * keys, whose expected score is 3.61; scaling by alphabet and length keeps the floor where it
 * separates random from typed text for every kind of key.
 */
export function randomnessFloor(secret: string): number {
  return expectedEntropy(alphabetSize(secret), secret.length) - 0.5;
}

export function looksRandom(secret: string): boolean {
  return shannonEntropy(secret) >= randomnessFloor(secret);
}

/** A value that has the shape of something public: a UUID or an integrity string. */
export function publicShape(secret: string): boolean {
  return UUID.test(secret) || INTEGRITY.test(secret);
}

/**
 * Text made mostly of lowercase words (`TokenizationTextModelPart_1`, `en-US-international-1`):
 * language, not key material. Runs of 4+ lowercase letters must cover half of the value, and
 * those runs must read like words: a third or more vowels, and no five consonants in a row.
 * Random lowercase-and-digit keys have long letter runs too, but only ~1 vowel in 5.
 */
export function wordLike(secret: string): boolean {
  const runs = secret.match(/[a-z]{4,}/g) ?? [];
  const letters = runs.join('');
  if (letters.length / secret.length < 0.5) return false;
  const vowels = letters.match(/[aeiouy]/g)?.length ?? 0;
  return vowels / letters.length >= 0.3 && !/[bcdfghjklmnpqrstvwxz]{5}/.test(letters);
}
