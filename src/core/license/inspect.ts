import { armorLabel } from './armor.js';
import { envelopePayload, LICENSE_ENVELOPE, parseEnvelope } from './envelope.js';
import { KEYGEN_LABEL, keygenPayload, parseKeygenEnvelope } from './keygen-format.js';
import type { LicenseInspectResult } from './types.js';

/**
 * The payload of a license as written, WITHOUT checking its signature: for
 * support ("what does this customer's file say?"), never for a decision.
 * Returns undefined when the text is not a license file at all.
 */
export function inspectLicense(text: string, options: { licenseKey?: string } = {}): LicenseInspectResult | undefined {
  const label = armorLabel(text);
  const note = 'UNVERIFIED: the signature was not checked; use `circle license verify` before trusting any of this.';
  const decode = (bytes: { ok: true; bytes: Buffer } | { ok: false }): unknown => {
    if (!bytes.ok) return undefined;
    try {
      return JSON.parse(bytes.bytes.toString('utf8'));
    } catch {
      return undefined;
    }
  };
  if (label === LICENSE_ENVELOPE.label) {
    const envelope = parseEnvelope(LICENSE_ENVELOPE, text);
    if (!envelope) return undefined;
    const payload = decode(envelopePayload(LICENSE_ENVELOPE, envelope, options.licenseKey));
    return { verified: false, format: 'circle', alg: envelope.alg, kid: envelope.kid, encrypted: envelope.alg !== 'base64+ed25519', ...(payload === undefined ? {} : { payload }), note };
  }
  if (label === KEYGEN_LABEL) {
    const envelope = parseKeygenEnvelope(text);
    if (!envelope) return undefined;
    const payload = redactKeygen(decode(keygenPayload(envelope, options.licenseKey)));
    return { verified: false, format: 'keygen', alg: envelope.alg, encrypted: envelope.alg !== 'base64+ed25519', ...(payload === undefined ? {} : { payload }), note };
  }
  return undefined;
}

/** Keygen payloads carry the license key itself (data.attributes.key): never print it. */
function redactKeygen(payload: unknown): unknown {
  const attributes = (payload as { data?: { attributes?: Record<string, unknown> } } | undefined)?.data?.attributes;
  if (attributes && typeof attributes === 'object' && 'key' in attributes) attributes.key = '[redacted]';
  return payload;
}
