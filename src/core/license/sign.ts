import { randomBytes } from 'node:crypto';
import { ed25519PublicFromSeed, spkiKeyId } from '../crypto/ed25519.js';
import { LICENSE_ENVELOPE, sealEnvelope } from './envelope.js';
import { ENTITLEMENT, licenseInfo, META_KEY, type LicensePayloadV1 } from './payload.js';
import type { LicenseInfo } from './types.js';

/**
 * Signing a license from plain values: what `circle license issue` does after
 * reading the issuer key from the vault, and what a vendor who keeps the key
 * elsewhere (an HSM wrapper, a build server) can call directly.
 */
export interface LicenseTerms {
  licensee: string;
  product: string;
  entitlements?: string[];
  meta?: Record<string, string>;
  /** Epoch ms; omit for a perpetual license. */
  expires?: number;
  notBefore?: number;
  trial?: boolean;
  seats?: number;
  machine?: string;
  graceSeconds?: number;
}

export interface SignedLicense {
  text: string;
  info: LicenseInfo;
}

/** Throws a plain Error naming the bad field (callers map it to their own error type). */
export function licensePayload(terms: LicenseTerms, kid: string, issued: number, serial = newSerial()): LicensePayloadV1 {
  const text = (name: string, value: string) => {
    if (value.length === 0 || value.length > 200) throw new Error(`${name} must be 1 to 200 characters`);
    return value;
  };
  const entitlements = [...new Set(terms.entitlements ?? [])];
  for (const e of entitlements) if (!ENTITLEMENT.test(e)) throw new Error(`Entitlement ${JSON.stringify(e)} must be letters, digits and . _ : - (up to 64)`);
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(terms.meta ?? {})) {
    if (!META_KEY.test(k)) throw new Error(`Metadata key ${JSON.stringify(k)} must be letters, digits and . _ - (up to 64)`);
    if (v.length > 1000) throw new Error(`Metadata value of ${k} is longer than 1000 characters`);
    meta[k] = v;
  }
  if (terms.seats !== undefined && !(Number.isSafeInteger(terms.seats) && terms.seats > 0)) throw new Error('Seats must be a positive whole number');
  if (terms.machine !== undefined && !/^[0-9a-f]{64}$/.test(terms.machine)) throw new Error('A machine fingerprint is 64 lower-case hex digits (`circle license fingerprint`)');
  if (terms.graceSeconds !== undefined && !(Number.isSafeInteger(terms.graceSeconds) && terms.graceSeconds >= 0)) throw new Error('Grace must be a duration');
  if (terms.expires !== undefined && terms.expires <= (terms.notBefore ?? issued)) throw new Error('The expiry must be after the issue (or not-before) time');
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    v: 1,
    serial,
    kid,
    issued: iso(issued),
    licensee: text('Licensee', terms.licensee),
    product: text('Product', terms.product),
    entitlements,
    meta,
    ...(terms.notBefore === undefined ? {} : { notBefore: iso(terms.notBefore) }),
    ...(terms.expires === undefined ? {} : { expires: iso(terms.expires) }),
    trial: terms.trial ?? false,
    ...(terms.seats === undefined ? {} : { seats: terms.seats }),
    ...(terms.machine === undefined ? {} : { machine: terms.machine }),
    ...(terms.graceSeconds === undefined ? {} : { graceSeconds: terms.graceSeconds }),
  };
}

/** An 80-bit random serial, 20 hex digits. */
export function newSerial(): string {
  return randomBytes(10).toString('hex');
}

export function signLicensePayload(payload: LicensePayloadV1, seed: Uint8Array, licenseKey?: string): string {
  return sealEnvelope(LICENSE_ENVELOPE, payload, { seed, kid: payload.kid, ...(licenseKey === undefined ? {} : { licenseKey }) });
}

/** Builds and signs a license with a raw Ed25519 seed. */
export function signLicense(terms: LicenseTerms, seed: Uint8Array, options: { issued?: number; serial?: string; licenseKey?: string } = {}): SignedLicense {
  const kid = spkiKeyId(ed25519PublicFromSeed(seed));
  const payload = licensePayload(terms, kid, options.issued ?? Date.now(), options.serial);
  return { text: signLicensePayload(payload, seed, options.licenseKey), info: licenseInfo(payload) };
}
