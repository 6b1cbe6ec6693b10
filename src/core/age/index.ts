/**
 * age v1 (age-encryption.org/v1) on node:crypto: X25519, scrypt, ssh-ed25519
 * and ssh-rsa recipients, armor, and streaming encryption in 64 KiB chunks.
 */
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { CircleError } from '../errors.js';
import { parseSshPrivateKey, sshRecipient } from './ssh.js';
import { createDecryptStream, createEncryptStream, type EncryptOptions } from './stream.js';
import type { AgeIdentity, AgeRecipient } from './types.js';
import { X25519Identity, X25519Recipient } from './x25519.js';

export { createDecryptStream, createEncryptStream, createDecryptor, createEncryptor, processorTransform, chunkSize } from './stream.js';
export type { EncryptOptions, AgeStreamProcessor } from './stream.js';
export type { AgeIdentity, AgeRecipient } from './types.js';
export { X25519Identity, X25519Recipient, generateX25519KeyPair, recipientOfIdentity, formatX25519Recipient, formatX25519Identity } from './x25519.js';
export type { X25519KeyPair } from './x25519.js';
export { ScryptIdentity, ScryptRecipient } from './scrypt.js';
export { parseSshPrivateKey, parseSshPublicKey, sshRecipient } from './ssh.js';
export { ArmorDecoder, ArmorEncoder } from './armor.js';

/** One recipient as a user writes it: `age1…`, `ssh-ed25519 AAAA…` or `ssh-rsa AAAA…`. */
export function parseRecipient(text: string): AgeRecipient {
  const trimmed = text.trim();
  if (trimmed.startsWith('age1')) return new X25519Recipient(trimmed);
  if (trimmed.startsWith('ssh-ed25519 ') || trimmed.startsWith('ssh-rsa ')) return sshRecipient(trimmed);
  throw new CircleError('USAGE', `Unrecognised recipient ${JSON.stringify(trimmed.slice(0, 16))}…`, { hint: 'Use an age1… key or an SSH public key (ssh-ed25519, ssh-rsa).' });
}

/** A recipients file: one recipient per line, `#` comments and blank lines ignored. */
export function parseRecipientsFile(text: string): AgeRecipient[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(parseRecipient);
}

/** An identity file: `AGE-SECRET-KEY-1…` lines (comments allowed), or one SSH private key. */
export function parseIdentityFile(text: string): AgeIdentity[] {
  if (text.includes('-----BEGIN')) return [parseSshPrivateKey(text)];
  const ids = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => new X25519Identity(l));
  if (ids.length === 0) throw new CircleError('USAGE', 'The identity file holds no key');
  return ids;
}

export async function encryptBuffer(plaintext: Uint8Array, recipients: AgeRecipient[], options: EncryptOptions = {}): Promise<Buffer> {
  const enc = await createEncryptStream(recipients, options);
  const [, out] = await Promise.all([pipeline(Readable.from([Buffer.from(plaintext)]), enc), collect(enc)]);
  return out;
}

export async function decryptBuffer(file: Uint8Array, identities: AgeIdentity[]): Promise<Buffer> {
  const dec = createDecryptStream(identities);
  const [, out] = await Promise.all([pipeline(Readable.from([Buffer.from(file)]), dec), collect(dec)]);
  return out;
}
