import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Subresource-integrity strings as npm writes them (ssri): `sha512-<base64>`. circle
 * makes and accepts sha512 only; the sha1 `shasum` is published for old clients
 * and never trusted.
 */
export interface TarballDigests {
  integrity: string;
  shasum: string;
}

export function digestTarball(bytes: Uint8Array): TarballDigests {
  return {
    integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    shasum: createHash('sha1').update(bytes).digest('hex'),
  };
}

const SHA512 = /^sha512-([A-Za-z0-9+/]{86}==)$/;

/** True when `integrity` (one or more space-separated ssri hashes) has a sha512 that matches `bytes`. */
export function integrityMatches(integrity: string, bytes: Uint8Array): boolean {
  const expected = sha512Of(integrity);
  if (!expected) return false;
  const actual = createHash('sha512').update(bytes).digest();
  return timingSafeEqual(actual, expected);
}

/** The raw sha512 digest in an ssri string, or undefined when it has none. */
export function sha512Of(integrity: string): Buffer | undefined {
  for (const part of integrity.trim().split(/\s+/)) {
    const m = SHA512.exec(part.split('?')[0] ?? '');
    if (m) return Buffer.from(m[1]!, 'base64');
  }
  return undefined;
}

export function isSha512Integrity(integrity: string): boolean {
  return sha512Of(integrity) !== undefined;
}
