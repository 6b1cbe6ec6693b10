import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { CircleError } from '../errors.js';

/**
 * Checkpoints as C2SP signed notes (https://c2sp.org/signed-note) whose text is
 * a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[time <RFC 3339>\n]\n— <key name> <base64(key id ‖ Ed25519 signature)>\n
 *
 * The time is an extension line: signed with the rest, and ignored by generic
 * checkpoint readers, which must skip extension lines they do not know.
 */

const ED25519_ALG = 0x01;
const SIG_PREFIX = '\u2014 ';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** When the checkpoint was signed (from the signed time extension line), if present. */
  time?: string;
}

export interface ParsedNote {
  checkpoint: Checkpoint;
  /** The exact signed text (everything before the blank line, newline-terminated). */
  text: string;
  signatures: { name: string; keyId: Buffer; signature: Buffer }[];
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new CircleError('INTERNAL', 'The audit signing key is not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** Signed-note key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export function noteKeyId(name: string, publicKey: KeyObject): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Uint8Array.of(ED25519_ALG))
    .update(rawEd25519PublicKey(publicKey))
    .digest()
    .subarray(0, 4);
}

/** The verifier key string of the signed-note ecosystem: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. */
export function formatVerifierKey(name: string, publicKey: KeyObject): string {
  const body = Buffer.concat([Uint8Array.of(ED25519_ALG), rawEd25519PublicKey(publicKey)]);
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${body.toString('base64')}`;
}

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export function parseVerifierKey(vkey: string): VerifierKey {
  // Only the first two '+' separate fields: the base64 key itself may contain '+'.
  const m = /^([^+]+)\+([^+]+)\+(.+)$/s.exec(vkey.trim());
  const parts = m ? [m[1]!, m[2]!, m[3]!] : [];
  const bad = () => new CircleError('USAGE', 'Not a signed-note verifier key (expected <name>+<hex id>+<base64 key>)');
  if (parts.length !== 3 || !isValidKeyName(parts[0]!) || !/^[0-9a-f]{8}$/.test(parts[1]!)) throw bad();
  const body = Buffer.from(parts[2]!, 'base64');
  if (body.length !== 33 || body[0] !== ED25519_ALG || body.toString('base64') !== parts[2]) throw bad();
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: body.subarray(1).toString('base64url') }, format: 'jwk' });
  const keyId = Buffer.from(parts[1]!, 'hex');
  if (!noteKeyId(parts[0]!, publicKey).equals(keyId)) throw bad();
  return { name: parts[0]!, keyId, publicKey };
}

export function checkpointText(cp: Checkpoint): string {
  const time = cp.time === undefined ? '' : `time ${cp.time}\n`;
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n${time}`;
}

export function signCheckpoint(cp: Checkpoint, keyName: string, signingKey: KeyObject): string {
  if (!isValidKeyName(cp.origin) || !isValidKeyName(keyName)) throw new CircleError('INTERNAL', 'Invalid checkpoint origin or key name');
  const text = checkpointText(cp);
  const signature = sign(null, Buffer.from(text, 'utf8'), signingKey);
  const keyId = noteKeyId(keyName, createPublicKey(signingKey));
  return `${text}\n${SIG_PREFIX}${keyName} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/** Parses a signed checkpoint note; throws INTEGRITY (exit 5) for anything malformed. */
export function parseCheckpointNote(note: string): ParsedNote {
  const bad = (why: string) => new CircleError('INTEGRITY', `Not a valid checkpoint: ${why}`, { hint: 'Pass a file written by `circle audit checkpoint --out FILE`.' });
  const split = note.indexOf('\n\n');
  if (split < 0) throw bad('no blank line between the text and the signatures');
  const text = note.slice(0, split + 1);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l.length === 0)) throw bad('fewer than three lines of text');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw bad('the tree size is not a decimal number');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) throw bad('the root hash is not 32 bytes of base64');
  const timeLine = lines.slice(3).find((l) => l.startsWith('time '));
  const signatures: ParsedNote['signatures'] = [];
  const sigBlock = note.slice(split + 2);
  for (const line of sigBlock.split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) throw bad('a signature line is malformed');
    const blob = Buffer.from(m[2]!, 'base64');
    if (blob.length < 5) throw bad('a signature is too short');
    signatures.push({ name: m[1]!, keyId: blob.subarray(0, 4), signature: blob.subarray(4) });
  }
  if (signatures.length === 0) throw bad('it carries no signature');
  return {
    checkpoint: { origin, size: Number(sizeText), root, ...(timeLine ? { time: timeLine.slice(5) } : {}) },
    text,
    signatures,
  };
}

/** True when one of the note's signatures is a valid Ed25519 signature by `key` over its text. */
export function noteSignedBy(note: ParsedNote, key: VerifierKey): boolean {
  return note.signatures.some(
    (s) => s.name === key.name && s.keyId.equals(key.keyId) && s.signature.length === 64 && verify(null, Buffer.from(note.text, 'utf8'), key.publicKey, s.signature),
  );
}
