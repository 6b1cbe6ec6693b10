import type { LicenseInfo } from './types.js';

/**
 * The signed payload of a circle license, version 1. Checked by hand (not zod)
 * so the embeddable verifier stays small; it is only read after the signature
 * verified, but a key holder's bug must still not crash an app.
 */
export const LICENSE_PAYLOAD_VERSION = 1;

export interface LicensePayloadV1 {
  v: 1;
  serial: string;
  kid: string;
  issued: string;
  licensee: string;
  product: string;
  entitlements: string[];
  meta: Record<string, string>;
  notBefore?: string;
  expires?: string;
  trial: boolean;
  seats?: number;
  machine?: string;
  graceSeconds?: number;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
export const SERIAL = /^[0-9a-f]{20}$/;
export const ENTITLEMENT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const META_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(['v', 'serial', 'kid', 'issued', 'licensee', 'product', 'entitlements', 'meta', 'notBefore', 'expires', 'trial', 'seats', 'machine', 'graceSeconds']);

function isIso(value: unknown): value is string {
  return typeof value === 'string' && ISO.test(value) && Number.isFinite(Date.parse(value));
}

function isText(value: unknown, max = 200): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** The payload, or undefined when any field is missing, of the wrong type, or unknown. */
export function parseLicensePayload(bytes: Buffer): LicensePayloadV1 | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const p = doc as Record<string, unknown>;
  if (Object.keys(p).some((k) => !KNOWN_FIELDS.has(k))) return undefined;
  if (p.v !== LICENSE_PAYLOAD_VERSION || typeof p.serial !== 'string' || !SERIAL.test(p.serial) || !isText(p.kid, 100) || !isIso(p.issued)) return undefined;
  if (!isText(p.licensee) || !isText(p.product) || typeof p.trial !== 'boolean') return undefined;
  if (!Array.isArray(p.entitlements) || !p.entitlements.every((e) => typeof e === 'string' && ENTITLEMENT.test(e))) return undefined;
  if (typeof p.meta !== 'object' || p.meta === null || Array.isArray(p.meta)) return undefined;
  const meta = p.meta as Record<string, unknown>;
  if (!Object.entries(meta).every(([k, v]) => META_KEY.test(k) && typeof v === 'string' && v.length <= 1000)) return undefined;
  if (p.notBefore !== undefined && !isIso(p.notBefore)) return undefined;
  if (p.expires !== undefined && !isIso(p.expires)) return undefined;
  if (p.seats !== undefined && !(Number.isSafeInteger(p.seats) && (p.seats as number) > 0)) return undefined;
  if (p.machine !== undefined && !(typeof p.machine === 'string' && /^[0-9a-f]{64}$/.test(p.machine))) return undefined;
  if (p.graceSeconds !== undefined && !(Number.isSafeInteger(p.graceSeconds) && (p.graceSeconds as number) >= 0)) return undefined;
  return p as unknown as LicensePayloadV1;
}

export function licenseInfo(p: LicensePayloadV1): LicenseInfo {
  return {
    format: 'circle',
    version: p.v,
    serial: p.serial,
    kid: p.kid,
    issued: p.issued,
    licensee: p.licensee,
    product: p.product,
    entitlements: [...p.entitlements],
    meta: { ...p.meta },
    ...(p.notBefore === undefined ? {} : { notBefore: p.notBefore }),
    ...(p.expires === undefined ? {} : { expires: p.expires }),
    trial: p.trial,
    ...(p.seats === undefined ? {} : { seats: p.seats }),
    ...(p.machine === undefined ? {} : { machine: p.machine }),
    ...(p.graceSeconds === undefined ? {} : { graceSeconds: p.graceSeconds }),
  };
}
