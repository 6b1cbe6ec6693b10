import { createHash, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { hybridOpen, prepareHybridSeal } from '../crypto/hybrid-seal.js';
import { rawX25519PublicKey } from '../crypto/x25519.js';
import { CircleError } from '../errors.js';

/**
 * Sealing of an entry's sensitive details to the audit public key, so a process
 * with no unlocked vault (a failed login) can still record them, while reading
 * them back needs the private key from the vault. The hybrid seal of
 * crypto/hybrid-seal.ts (ephemeral X25519, HKDF-SHA-256, AES-256-GCM); this module
 * owns its JSON encoding and when a seal is prepared.
 */

export const DETAILS_ALG = 'X25519-HKDF-SHA256-A256GCM';
const HKDF_INFO = Buffer.from('circle-core audit details v1');

export const sealedDetailsSchema = z.strictObject({
  v: z.literal(1),
  alg: z.literal(DETAILS_ALG),
  /** Key id of the recipient key, so a rotated key can be found. */
  kid: z.string().regex(/^[0-9a-f]{16}$/),
  epk: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  ct: z.string().regex(/^[A-Za-z0-9_-]*$/),
  tag: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});
export type SealedDetails = z.infer<typeof sealedDetailsSchema>;

export { rawX25519PublicKey };

export function detailsKeyId(publicKey: KeyObject): string {
  return sha256Hex(rawX25519PublicKey(publicKey)).slice(0, 16);
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** An ephemeral key agreement done ahead of time, used for exactly one message. */
export interface PreparedSeal {
  seal(details: Record<string, unknown>, aad: string): SealedDetails;
}

/** The recipient's raw key and key id, derived once per KeyObject (both are public facts about the key). */
const recipientInfo = new WeakMap<KeyObject, { raw: Buffer; kid: string }>();

function recipientOf(recipient: KeyObject): { raw: Buffer; kid: string } {
  let info = recipientInfo.get(recipient);
  if (!info) {
    const raw = rawX25519PublicKey(recipient);
    info = { raw, kid: sha256Hex(raw).slice(0, 16) };
    recipientInfo.set(recipient, info);
  }
  return info;
}

/**
 * The slow half of sealing (ephemeral X25519 key, ECDH, HKDF), done before the
 * log lock is taken so the lock is held only for AES-GCM and the write.
 */
export function prepareSeal(recipient: KeyObject): PreparedSeal {
  const { raw: recipientRaw, kid } = recipientOf(recipient);
  const prepared = prepareHybridSeal(recipient, HKDF_INFO, recipientRaw);
  return {
    seal(details, aad) {
      const { epk, iv, ct, tag } = prepared.seal(Buffer.from(JSON.stringify(details), 'utf8'), Buffer.from(aad));
      return {
        v: 1,
        alg: DETAILS_ALG,
        kid,
        epk: epk.toString('base64url'),
        iv: iv.toString('base64url'),
        ct: ct.toString('base64url'),
        tag: tag.toString('base64url'),
      };
    },
  };
}

/**
 * At most one prepared seal per recipient, made while the process waits on the
 * disk for its previous entry (see `prepareSpareSeal`). Each is still a fresh
 * ephemeral key used for one message: a spare only moves when the key agreement
 * happens, never shares it, so entries stay unlinkable and separately keyed.
 */
const spareSeals = new WeakMap<KeyObject, PreparedSeal>();
/** Recipients this process has already sealed to: only they get a spare (see `prepareSpareSeal`). */
const sealedBefore = new WeakSet<KeyObject>();

/** A seal for one message to `recipient`: the spare when one is ready, else a new one. */
export function takePreparedSeal(recipient: KeyObject): PreparedSeal {
  const spare = spareSeals.get(recipient);
  if (spare) {
    spareSeals.delete(recipient);
    return spare;
  }
  return prepareSeal(recipient);
}

/**
 * Prepares the next message's seal ahead of time, for a caller with idle time
 * (the appender, while fdatasync waits on the disk). Only from a recipient's
 * second message on: a process that sealed once is likely to seal again (a
 * server, a batch), while a one-shot command would throw the spare away.
 */
export function prepareSpareSeal(recipient: KeyObject): void {
  if (!sealedBefore.has(recipient)) {
    sealedBefore.add(recipient);
    return;
  }
  if (!spareSeals.has(recipient)) spareSeals.set(recipient, prepareSeal(recipient));
}

/** `aad` binds the ciphertext to its entry (its sequence number), so it cannot be moved to another. */
export function sealDetails(details: Record<string, unknown>, recipient: KeyObject, aad: string): SealedDetails {
  return prepareSeal(recipient).seal(details, aad);
}

export function openDetails(sealed: SealedDetails, privateKey: KeyObject, aad: string): Record<string, unknown> {
  const fail = (cause?: unknown) =>
    new CircleError('DECRYPT_FAILED', 'Could not decrypt audit entry details: wrong key or tampered ciphertext', cause === undefined ? {} : { cause });
  const b = (v: string) => Buffer.from(v, 'base64url');
  const plain = hybridOpen(privateKey, rawX25519PublicKey(privateKey), { epk: b(sealed.epk), iv: b(sealed.iv), ct: b(sealed.ct), tag: b(sealed.tag) }, Buffer.from(aad), HKDF_INFO);
  if (plain === undefined) throw fail();
  try {
    return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw fail(error);
  }
}

export function detailsAad(seq: number): string {
  return `circle-audit-details:v1:${seq}`;
}
