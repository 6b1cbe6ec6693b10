import { createHash, randomBytes } from 'node:crypto';
import { X25519Identity, parseX25519Recipient, unwrapFromX25519, wrapToX25519 } from '../age/x25519.js';
import { aes256GcmOpen, aes256GcmSeal } from '../crypto/aead.js';
import { constantTimeEqual, hkdf, hmacSha256 } from '../crypto/kdf.js';
import { CircleError } from '../errors.js';
import type { ProjectSecretsFile, RecipientEntry, SecretVersion } from './project-format.js';

/**
 * The keys of one environment file. A random 256-bit file key is wrapped to each
 * recipient with X25519 (the age construction, under our own label so a wrap can
 * never be confused with an age stanza). From it, HKDF derives the value key
 * (AES-256-GCM per value) and the MAC key for the recipient list.
 */
const wrapLabel = 'circle-secrets/v1/X25519';
const fileKeyLength = 32;

export interface FileKeys {
  fileKey: Buffer;
  valueKey: Buffer;
  macKey: Buffer;
}

export function deriveFileKeys(fileKey: Buffer): FileKeys {
  return {
    fileKey,
    valueKey: hkdf(fileKey, Buffer.alloc(0), 'circle-secrets/v1/values'),
    macKey: hkdf(fileKey, Buffer.alloc(0), 'circle-secrets/v1/recipients'),
  };
}

export function newFileKeys(): FileKeys {
  return deriveFileKeys(randomBytes(fileKeyLength));
}

export function wrapFileKeyTo(recipient: string, fileKey: Buffer): string {
  const { share, body } = wrapToX25519(fileKey, parseX25519Recipient(recipient), wrapLabel);
  return `${share.toString('base64')}.${body.toString('base64')}`;
}

/** The file key if `identity` is this recipient entry's key; undefined otherwise. */
export function unwrapFileKeyWith(identity: X25519Identity, entry: RecipientEntry): Buffer | undefined {
  if (entry.key !== identity.recipient) return undefined;
  const [share, body] = entry.wrap.split('.').map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer];
  if (share.length !== 32) return undefined;
  return unwrapFromX25519(identity.secret, identity.publicKey, share, body, wrapLabel, undefined, fileKeyLength);
}

/** SHA-256 of the environment and its sorted (label, key, kind) list: what the MAC and every value's AAD bind. */
export function recipientsDigest(env: string, recipients: ProjectSecretsFile['recipients']): Buffer {
  const list = Object.keys(recipients)
    .sort()
    .map((label) => [label, recipients[label]!.key, recipients[label]!.kind]);
  return createHash('sha256').update(JSON.stringify(['circle-secrets/v1/recipients', env, list])).digest();
}

export function recipientsMac(keys: FileKeys, digest: Buffer): string {
  return hmacSha256(keys.macKey, digest).toString('base64');
}

export function verifyRecipientsMac(keys: FileKeys, digest: Buffer, mac: string, path: string): void {
  if (!constantTimeEqual(Buffer.from(mac, 'base64'), hmacSha256(keys.macKey, digest))) {
    throw new CircleError('INTEGRITY', `The recipient list of ${path} does not verify: it was edited by hand or tampered with`, {
      hint: 'Restore the file from git; change recipients only with `circle secrets recipients add|remove`.',
      details: { file: path },
    });
  }
}

function valueAad(env: string, name: string, meta: Pick<SecretVersion, 'v' | 'at' | 'by'>, digest: Buffer): Buffer {
  return Buffer.from(JSON.stringify(['circle-secrets/v1/value', env, name, meta.v, meta.at, meta.by, digest.toString('hex')]));
}

/** A value is stored as base64(iv) and base64(ciphertext ‖ tag). */
export function sealValue(keys: FileKeys, env: string, name: string, meta: Pick<SecretVersion, 'v' | 'at' | 'by'>, digest: Buffer, value: string): SecretVersion {
  const { iv, ct, tag } = aes256GcmSeal(keys.valueKey, Buffer.from(value, 'utf8'), valueAad(env, name, meta, digest));
  return { ...meta, iv: iv.toString('base64'), ct: Buffer.concat([ct, tag]).toString('base64') };
}

export function openValue(keys: FileKeys, env: string, name: string, version: SecretVersion, digest: Buffer, path: string): string {
  const iv = Buffer.from(version.iv, 'base64');
  const sealed = Buffer.from(version.ct, 'base64');
  const plain =
    sealed.length < 16 ? undefined : aes256GcmOpen(keys.valueKey, { iv, ct: sealed.subarray(0, sealed.length - 16), tag: sealed.subarray(sealed.length - 16) }, valueAad(env, name, version, digest));
  if (plain === undefined) {
    throw new CircleError('INTEGRITY', `Secret ${name} (version ${version.v}) in ${path} does not verify: it was modified, moved or swapped`, {
      hint: 'Restore the file from git; nothing was changed.',
      details: { file: path, name, version: version.v },
    });
  }
  return plain.toString('utf8');
}
