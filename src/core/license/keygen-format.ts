import { ed25519Verify } from '../crypto/ed25519.js';
import { decodeBase64Strict, dearmorLoose } from './armor.js';
import { ALG_ENCRYPTED, ALG_PLAIN, decryptGcmParts, type PayloadBytes } from './envelope.js';
import type { IssuerPublicKey } from './public-key.js';
import type { LicenseInfo } from './types.js';

/**
 * Keygen's offline license files (`-----BEGIN LICENSE FILE-----`), read so that
 * Keygen users can move to circle: base64 of `{"enc","sig","alg"}`, Ed25519 over
 * `"license/" + enc`, `enc` either base64 JSON or AES-256-GCM `ct.iv.tag` keyed
 * by SHA-256 of the license key with no AAD (keygen-api lib/keygen/ee/license_file.rb).
 * Only the Ed25519 algorithms are read; RSA and ECDSA files are reported malformed.
 */
export const KEYGEN_LABEL = 'LICENSE FILE';

export interface KeygenEnvelope {
  alg: string;
  enc: string;
  sig: Buffer;
}

export function parseKeygenEnvelope(text: string): KeygenEnvelope | undefined {
  const bytes = dearmorLoose(KEYGEN_LABEL, text);
  if (!bytes) return undefined;
  try {
    const outer = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    if (typeof outer !== 'object' || outer === null) return undefined;
    const { enc, sig, alg } = outer;
    if (typeof enc !== 'string' || typeof sig !== 'string' || (alg !== ALG_PLAIN && alg !== ALG_ENCRYPTED)) return undefined;
    const sigBytes = decodeBase64Strict(sig);
    return sigBytes && sigBytes.length === 64 ? { alg, enc, sig: sigBytes } : undefined;
  } catch {
    return undefined;
  }
}

export function verifyKeygenEnvelope(envelope: KeygenEnvelope, key: IssuerPublicKey): boolean {
  try {
    return ed25519Verify(key.key, Buffer.from(`license/${envelope.enc}`, 'utf8'), envelope.sig);
  } catch {
    return false;
  }
}

export function keygenPayload(envelope: KeygenEnvelope, licenseKey?: string): PayloadBytes {
  if (envelope.alg === ALG_PLAIN) {
    const bytes = decodeBase64Strict(envelope.enc);
    return bytes ? { ok: true, bytes } : { ok: false, problem: 'malformed' };
  }
  return decryptGcmParts(envelope.enc, licenseKey, Buffer.alloc(0));
}

/** What the checks need from a Keygen payload, beyond the common license view. */
export interface KeygenLicense {
  info: LicenseInfo;
  /** The license file's own expiry (its TTL), separate from the license's. */
  fileExpires?: string;
  suspended: boolean;
}

function isDate(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(Date.parse(value));
}

/** The JSON:API document a Keygen license file carries; undefined when it is not one. */
export function parseKeygenPayload(bytes: Buffer): KeygenLicense | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const meta = doc.meta as Record<string, unknown> | undefined;
  const data = doc.data as { id?: unknown; type?: unknown; attributes?: Record<string, unknown> } | undefined;
  if (!meta || typeof meta !== 'object' || !data || typeof data !== 'object' || typeof data.id !== 'string' || !data.attributes || typeof data.attributes !== 'object') return undefined;
  if (!isDate(meta.issued) || (meta.expiry !== null && meta.expiry !== undefined && !isDate(meta.expiry))) return undefined;
  const attributes = data.attributes;
  if (attributes.expiry !== null && attributes.expiry !== undefined && !isDate(attributes.expiry)) return undefined;
  const included = Array.isArray(doc.included) ? (doc.included as { type?: unknown; attributes?: Record<string, unknown> }[]) : [];
  const entitlements = included.filter((i) => i?.type === 'entitlements' && typeof i.attributes?.code === 'string').map((i) => i.attributes!.code as string);
  const product = included.find((i) => i?.type === 'products' && typeof i.attributes?.name === 'string')?.attributes?.name as string | undefined;
  const metadata: Record<string, string> = {};
  if (attributes.metadata && typeof attributes.metadata === 'object') {
    for (const [k, v] of Object.entries(attributes.metadata)) if (!k.startsWith('__')) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const maxMachines = attributes.maxMachines;
  const info: LicenseInfo = {
    format: 'keygen',
    version: 1,
    serial: data.id,
    kid: '',
    issued: new Date(meta.issued).toISOString(),
    licensee: typeof attributes.name === 'string' ? attributes.name : data.id,
    product: product ?? '',
    entitlements,
    meta: metadata,
    ...(isDate(attributes.expiry) ? { expires: new Date(attributes.expiry).toISOString() } : {}),
    trial: false,
    ...(Number.isSafeInteger(maxMachines) && (maxMachines as number) > 0 ? { seats: maxMachines as number } : {}),
  };
  // The license key is in the payload (data.attributes.key); it is deliberately not copied out.
  return { info, ...(isDate(meta.expiry) ? { fileExpires: new Date(meta.expiry).toISOString() } : {}), suspended: attributes.suspended === true };
}
