import { envelopePayload, parseEnvelope, REVOCATIONS_ENVELOPE, sealEnvelope, verifyEnvelope } from './envelope.js';
import { SERIAL } from './payload.js';
import type { IssuerPublicKey } from './public-key.js';
import type { RevocationListInfo } from './types.js';

/**
 * The signed revocation list (`-----BEGIN CIRCLE LICENSE REVOCATIONS-----`): the
 * revoked serials of one issuer key, with its own issue time and expiry, signed
 * by that key under its own domain tag (`circle-license-revocations/v1`). An
 * expiry makes a stale list visible: a vendor re-publishes it on a schedule,
 * and an app that stops receiving it fails (enforce) or warns (advisory).
 */
export type RevocationListCheck =
  | { ok: true; list: RevocationListInfo }
  | { ok: false; problem: 'malformed' | 'tampered' | 'wrong-key' | 'expired' | 'issued-in-future'; message: string; list?: RevocationListInfo };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

export function signRevocationList(list: RevocationListInfo, seed: Uint8Array): string {
  return sealEnvelope(REVOCATIONS_ENVELOPE, { v: 1, kid: list.kid, issued: list.issued, expires: list.expires, serials: list.serials }, { seed, kid: list.kid });
}

function parseList(bytes: Buffer): RevocationListInfo | undefined {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    if (typeof doc !== 'object' || doc === null || doc.v !== 1 || Object.keys(doc).length !== 5) return undefined;
    const { kid, issued, expires, serials } = doc;
    if (typeof kid !== 'string' || typeof issued !== 'string' || typeof expires !== 'string' || !ISO.test(issued) || !ISO.test(expires)) return undefined;
    if (!Array.isArray(serials) || !serials.every((s) => typeof s === 'string' && SERIAL.test(s))) return undefined;
    return { kid, issued, expires, serials: serials as string[] };
  } catch {
    return undefined;
  }
}

/** Verifies a revocation list against the issuer key at `now`; never throws. */
export function checkRevocationList(text: string, key: IssuerPublicKey, now: number, skewMs: number): RevocationListCheck {
  const envelope = parseEnvelope(REVOCATIONS_ENVELOPE, text);
  if (!envelope || envelope.alg !== 'base64+ed25519') return { ok: false, problem: 'malformed', message: 'The revocation list is not a circle revocation list' };
  if (envelope.kid !== key.kid) return { ok: false, problem: 'wrong-key', message: `The revocation list is signed by another key (${envelope.kid})` };
  if (!verifyEnvelope(REVOCATIONS_ENVELOPE, envelope, key)) return { ok: false, problem: 'tampered', message: 'The revocation list signature does not verify' };
  const payload = envelopePayload(REVOCATIONS_ENVELOPE, envelope);
  const list = payload.ok ? parseList(payload.bytes) : undefined;
  if (!list) return { ok: false, problem: 'malformed', message: 'The revocation list payload is malformed' };
  if (list.kid !== key.kid) return { ok: false, problem: 'wrong-key', message: 'The revocation list names another key' };
  if (Date.parse(list.issued) > now + skewMs) return { ok: false, problem: 'issued-in-future', message: `The revocation list was issued in the future (${list.issued})`, list };
  if (Date.parse(list.expires) <= now) return { ok: false, problem: 'expired', message: `The revocation list expired at ${list.expires}`, list };
  return { ok: true, list };
}
