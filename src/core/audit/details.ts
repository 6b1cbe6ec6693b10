import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { CircleError } from '../errors.js';

/**
 * Sealing of an entry's sensitive details to the audit public key, so a process
 * with no unlocked vault (a failed login) can still record them, while reading
 * them back needs the private key from the vault. An ECIES construction from
 * standard parts: ephemeral X25519 ECDH, HKDF-SHA-256, AES-256-GCM.
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

export function rawX25519PublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (jwk.crv !== 'X25519' || typeof jwk.x !== 'string') throw new CircleError('INTERNAL', 'The audit details key is not an X25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export function detailsKeyId(publicKey: KeyObject): string {
  return sha256Hex(rawX25519PublicKey(publicKey)).slice(0, 16);
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function deriveKey(shared: Buffer, epk: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epk, recipient]), HKDF_INFO, 32));
}

/** An ephemeral key agreement done ahead of time, used for exactly one message. */
export interface PreparedSeal {
  seal(details: Record<string, unknown>, aad: string): SealedDetails;
}

/**
 * `generateKeyPairSync` with only the public half encoded, which @types/node has
 * no overload for (the private half stays a KeyObject, as without options).
 */
const generateX25519WithJwkPublic = generateKeyPairSync as unknown as (
  type: 'x25519',
  options: { publicKeyEncoding: { format: 'jwk' } },
) => { publicKey: { x?: string }; privateKey: KeyObject };

/**
 * A fresh X25519 key pair and its raw public key. The public half is encoded by
 * the key generation itself rather than by `export()` afterwards: on Node 20 a
 * garbage collection during `export({ format: 'jwk' })` of a just-generated key
 * can finalize the generation job, whose destructor waits for the mutex the
 * export holds, and the process hangs (seen in the append benchmark, and in 2 of
 * 11 runs of 100,000 generate-then-export calls; none with the key encoded here).
 */
function generateEphemeralKey(): { privateKey: KeyObject; publicKeyRaw: Buffer } {
  const { publicKey, privateKey } = generateX25519WithJwkPublic('x25519', { publicKeyEncoding: { format: 'jwk' } });
  const publicKeyRaw = Buffer.from(publicKey.x ?? '', 'base64url');
  if (publicKeyRaw.length !== 32) throw new CircleError('INTERNAL', 'X25519 key generation returned a malformed public key');
  return { privateKey, publicKeyRaw };
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
  const ephemeral = generateEphemeralKey();
  const epk = ephemeral.publicKeyRaw;
  const key = deriveKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), epk, recipientRaw);
  let used = false;
  return {
    seal(details, aad) {
      if (used) throw new CircleError('INTERNAL', 'A prepared seal is single-use');
      used = true;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad));
      const ct = Buffer.concat([cipher.update(JSON.stringify(details), 'utf8'), cipher.final()]);
      return {
        v: 1,
        alg: DETAILS_ALG,
        kid,
        epk: epk.toString('base64url'),
        iv: iv.toString('base64url'),
        ct: ct.toString('base64url'),
        tag: cipher.getAuthTag().toString('base64url'),
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
  const recipientRaw = rawX25519PublicKey(privateKey);
  const epk = Buffer.from(sealed.epk, 'base64url');
  try {
    const ephemeralPublic = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: sealed.epk }, format: 'jwk' });
    const key = deriveKey(diffieHellman({ privateKey, publicKey: ephemeralPublic }), epk, recipientRaw);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CircleError('DECRYPT_FAILED', 'Could not decrypt audit entry details: wrong key or tampered ciphertext', { cause: error });
  }
}

export function detailsAad(seq: number): string {
  return `circle-audit-details:v1:${seq}`;
}
