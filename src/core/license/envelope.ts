import { createHash, randomBytes } from 'node:crypto';
import { ed25519Verify } from '../crypto/ed25519.js';
import { aes256GcmOpen, aes256GcmSeal } from '../crypto/gcm.js';
import { ed25519Sign } from '../crypto/ed25519.js';
import { armor, decodeBase64Strict, dearmor } from './armor.js';
import type { IssuerPublicKey } from './public-key.js';

/**
 * circle's signed-file envelope, shared by license files and revocation lists:
 * an armoured block holding base64 of `{"enc","sig","alg","kid","v"}`, where
 * `enc` is the payload (base64 JSON, or AES-256-GCM ciphertext `ct.iv.tag`) and
 * `sig` is Ed25519 over the domain tag + `enc` (`"circle-license/v1\n" + enc`),
 * so a signature made for one kind of file is never valid for another.
 * The outer `kid` is only a hint (to tell "signed by another key" from
 * "tampered"); the signed payload repeats it and the verifier checks both.
 */
export const ALG_PLAIN = 'base64+ed25519';
export const ALG_ENCRYPTED = 'aes-256-gcm+ed25519';
export const ENVELOPE_VERSION = 1;

export interface EnvelopeKind {
  /** The armour label: `CIRCLE LICENSE`. */
  label: string;
  /** Signed before `enc`, and the AES-GCM AAD: `circle-license/v1`. */
  domain: string;
}

export const LICENSE_ENVELOPE: EnvelopeKind = { label: 'CIRCLE LICENSE', domain: 'circle-license/v1' };
export const REVOCATIONS_ENVELOPE: EnvelopeKind = { label: 'CIRCLE LICENSE REVOCATIONS', domain: 'circle-license-revocations/v1' };

export interface Envelope {
  v: number;
  alg: string;
  kid: string;
  enc: string;
  sig: Buffer;
}

export interface SealOptions {
  seed: Uint8Array;
  kid: string;
  /** Encrypt the payload with a key derived from this license key (Keygen's scheme). */
  licenseKey?: string;
}

/** SHA-256 of the license key, as Keygen derives its AES-256-GCM key. */
export function licenseKeyCipherKey(licenseKey: string): Buffer {
  return createHash('sha256').update(licenseKey, 'utf8').digest();
}

export function sealEnvelope(kind: EnvelopeKind, payload: unknown, options: SealOptions): string {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  let enc: string;
  let alg: string;
  if (options.licenseKey === undefined) {
    enc = json.toString('base64');
    alg = ALG_PLAIN;
  } else {
    const { iv, ct, tag } = aes256GcmSeal(licenseKeyCipherKey(options.licenseKey), json, Buffer.from(kind.domain, 'utf8'));
    enc = `${ct.toString('base64')}.${iv.toString('base64')}.${tag.toString('base64')}`;
    alg = ALG_ENCRYPTED;
  }
  const sig = ed25519Sign(options.seed, signedMessage(kind, enc));
  const outer = JSON.stringify({ enc, sig: sig.toString('base64'), alg, kid: options.kid, v: ENVELOPE_VERSION });
  return armor(kind.label, Buffer.from(outer, 'utf8'));
}

export function signedMessage(kind: EnvelopeKind, enc: string): Buffer {
  return Buffer.from(`${kind.domain}\n${enc}`, 'utf8');
}

/**
 * The envelope's fields, checked for shape only (nothing verified yet), or
 * undefined when the text is not exactly an envelope this version writes.
 */
export function parseEnvelope(kind: EnvelopeKind, text: string): Envelope | undefined {
  const bytes = dearmor(kind.label, text);
  if (!bytes) return undefined;
  let outer: unknown;
  const json = bytes.toString('utf8');
  try {
    outer = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof outer !== 'object' || outer === null) return undefined;
  const { enc, sig, alg, kid, v } = outer as Record<string, unknown>;
  if (typeof enc !== 'string' || typeof sig !== 'string' || typeof alg !== 'string' || typeof kid !== 'string' || v !== ENVELOPE_VERSION) return undefined;
  if (alg !== ALG_PLAIN && alg !== ALG_ENCRYPTED) return undefined;
  // One spelling only: re-serialising must give the same bytes (no extra fields, spaces or escapes).
  if (JSON.stringify({ enc, sig, alg, kid, v }) !== json || !Buffer.from(json, 'utf8').equals(bytes)) return undefined;
  const sigBytes = decodeBase64Strict(sig);
  if (!sigBytes || sigBytes.length !== 64) return undefined;
  return { v, alg, kid, enc, sig: sigBytes };
}

export function verifyEnvelope(kind: EnvelopeKind, envelope: Envelope, key: IssuerPublicKey): boolean {
  try {
    return ed25519Verify(key.key, signedMessage(kind, envelope.enc), envelope.sig);
  } catch {
    return false;
  }
}

export type PayloadBytes = { ok: true; bytes: Buffer } | { ok: false; problem: 'malformed' | 'needs-license-key' | 'wrong-license-key' };

/** The payload bytes of an envelope: base64-decoded, or decrypted with the license key. */
export function envelopePayload(kind: EnvelopeKind, envelope: Envelope, licenseKey?: string): PayloadBytes {
  if (envelope.alg === ALG_PLAIN) {
    const bytes = decodeBase64Strict(envelope.enc);
    return bytes ? { ok: true, bytes } : { ok: false, problem: 'malformed' };
  }
  return decryptGcmParts(envelope.enc, licenseKey, Buffer.from(kind.domain, 'utf8'));
}

/** `base64(ct).base64(iv).base64(tag)` under SHA-256(license key): circle's and Keygen's layout. */
export function decryptGcmParts(enc: string, licenseKey: string | undefined, aad: Buffer, keyMaterial?: string): PayloadBytes {
  const parts = enc.split('.');
  if (parts.length !== 3) return { ok: false, problem: 'malformed' };
  const [ct, iv, tag] = parts.map((p) => decodeBase64Strict(p));
  if (!ct || !iv || !tag || iv.length !== 12 || tag.length !== 16) return { ok: false, problem: 'malformed' };
  if (licenseKey === undefined) return { ok: false, problem: 'needs-license-key' };
  // GCM with an empty AAD is GCM without one (Keygen's files have none).
  const bytes = aes256GcmOpen(licenseKeyCipherKey(keyMaterial ?? licenseKey), { iv, ct, tag }, aad);
  return bytes === undefined ? { ok: false, problem: 'wrong-license-key' } : { ok: true, bytes };
}

/** A fresh license key for `--encrypt`: 128 random bits as four groups of eight hex digits. */
export function newLicenseKey(): string {
  return (randomBytes(16).toString('hex').toUpperCase().match(/.{8}/g) ?? []).join('-');
}
