import { createHash, type KeyObject } from 'node:crypto';
import { CircleError } from '../errors.js';
import { ed25519PublicFromSeed, ed25519PublicKey, ed25519Sign, ed25519Verify, rawEd25519PublicKey } from './ed25519.js';

/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures, and
 * their verifier keys (`<name>+<hex key id>+<base64(0x01 ‖ public key)>`): the
 * envelope of audit checkpoints (a C2SP tlog-checkpoint is a note's text), and
 * usable as is for anything else circle signs as text.
 *
 *   <text, newline-terminated, no blank line>\n— <key name> <base64(key id ‖ signature)>\n…
 *
 * Signature lines by keys the reader does not know are kept, not refused, so
 * notes can carry cosignatures.
 */

/** The signature-type byte of Ed25519 in key ids and verifier keys. */
export const NOTE_ED25519_ALG = 0x01;
const SIG_PREFIX = '\u2014 ';

export interface NoteSignature {
  name: string;
  /** The first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
  keyId: Buffer;
  signature: Buffer;
}

export interface SignedNote {
  /** The exact signed text (everything before the blank line, newline-terminated). */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

/** A key name is non-empty with no whitespace and no '+' (the verifier-key separator). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

function rawPublic(publicKey: Uint8Array | KeyObject): Buffer {
  return publicKey instanceof Uint8Array ? Buffer.from(publicKey) : rawEd25519PublicKey(publicKey);
}

/** Signed-note key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export function noteKeyId(name: string, publicKey: Uint8Array | KeyObject): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Uint8Array.of(NOTE_ED25519_ALG))
    .update(rawPublic(publicKey))
    .digest()
    .subarray(0, 4);
}

/** The verifier key string of the signed-note ecosystem: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array | KeyObject): string {
  const body = Buffer.concat([Uint8Array.of(NOTE_ED25519_ALG), rawPublic(publicKey)]);
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${body.toString('base64')}`;
}

/** Parses and checks a verifier key (its id must match its name and key); USAGE (exit 2) otherwise. */
export function parseVerifierKey(vkey: string): VerifierKey {
  // Only the first two '+' separate fields: the base64 key itself may contain '+'.
  const m = /^([^+]+)\+([^+]+)\+(.+)$/s.exec(vkey.trim());
  const parts = m ? [m[1]!, m[2]!, m[3]!] : [];
  const bad = () => new CircleError('USAGE', 'Not a signed-note verifier key (expected <name>+<hex id>+<base64 key>)');
  if (parts.length !== 3 || !isValidKeyName(parts[0]!) || !/^[0-9a-f]{8}$/.test(parts[1]!)) throw bad();
  const body = Buffer.from(parts[2]!, 'base64');
  if (body.length !== 33 || body[0] !== NOTE_ED25519_ALG || body.toString('base64') !== parts[2]) throw bad();
  const raw = body.subarray(1);
  const keyId = Buffer.from(parts[1]!, 'hex');
  if (!noteKeyId(parts[0]!, raw).equals(keyId)) throw bad();
  return { name: parts[0]!, keyId, publicKey: ed25519PublicKey(raw) };
}

/**
 * Signs `text` (newline-terminated, no blank line) as a note with one signature by
 * `keyName`: a raw seed or a private KeyObject; pass the public key when known.
 */
export function signNote(text: string, keyName: string, signingKey: Uint8Array | KeyObject, publicKey?: Uint8Array | KeyObject): string {
  if (!isValidKeyName(keyName) || !text.endsWith('\n') || text.includes('\n\n')) throw new CircleError('INTERNAL', 'Invalid note text or key name');
  const signature = ed25519Sign(signingKey, Buffer.from(text, 'utf8'));
  const keyId = noteKeyId(keyName, publicKey ?? (signingKey instanceof Uint8Array ? ed25519PublicFromSeed(signingKey) : signingKey));
  return `${text}\n${SIG_PREFIX}${keyName} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

export type NoteError = (why: string) => Error;

const defaultNoteError: NoteError = (why) => new CircleError('INTEGRITY', `Not a valid signed note: ${why}`);

/**
 * Splits a note into its text and signature lines; `bad` builds the error (the
 * caller names what the note should have been). Signatures are not checked here.
 */
export function parseSignedNote(note: string, bad: NoteError = defaultNoteError): SignedNote {
  const split = note.indexOf('\n\n');
  if (split < 0) throw bad('no blank line between the text and the signatures');
  const text = note.slice(0, split + 1);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2).split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) throw bad('a signature line is malformed');
    const blob = Buffer.from(m[2]!, 'base64');
    if (blob.length < 5) throw bad('a signature is too short');
    signatures.push({ name: m[1]!, keyId: blob.subarray(0, 4), signature: blob.subarray(4) });
  }
  if (signatures.length === 0) throw bad('it carries no signature');
  return { text, signatures };
}

/** True when one of the note's signatures is a valid Ed25519 signature by `key` over its text. */
export function noteSignedBy(note: SignedNote, key: VerifierKey): boolean {
  const text = Buffer.from(note.text, 'utf8');
  return note.signatures.some((s) => s.name === key.name && s.keyId.equals(key.keyId) && ed25519Verify(key.publicKey, text, s.signature));
}
