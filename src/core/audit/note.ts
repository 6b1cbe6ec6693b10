import type { KeyObject } from 'node:crypto';
import { isValidKeyName, parseSignedNote, signNote, type SignedNote } from '../crypto/signed-note.js';
import { CircleError } from '../errors.js';

/**
 * Checkpoints as C2SP signed notes (crypto/signed-note.ts) whose text is a C2SP
 * tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[time <RFC 3339>\n]\n— <key name> <base64(key id ‖ Ed25519 signature)>\n
 *
 * The time is an extension line: signed with the rest, and ignored by generic
 * checkpoint readers, which must skip extension lines they do not know.
 */

// The note and verifier-key layer is crypto's; audit callers keep importing it from here.
export { formatVerifierKey, isValidKeyName, noteKeyId, noteSignedBy, parseVerifierKey, type VerifierKey } from '../crypto/signed-note.js';
export { rawEd25519PublicKey } from '../crypto/ed25519.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** When the checkpoint was signed (from the signed time extension line), if present. */
  time?: string;
}

export interface ParsedNote extends SignedNote {
  checkpoint: Checkpoint;
}

export function checkpointText(cp: Checkpoint): string {
  const time = cp.time === undefined ? '' : `time ${cp.time}\n`;
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n${time}`;
}

export function signCheckpoint(cp: Checkpoint, keyName: string, signingKey: KeyObject): string {
  if (!isValidKeyName(cp.origin) || !isValidKeyName(keyName)) throw new CircleError('INTERNAL', 'Invalid checkpoint origin or key name');
  return signNote(checkpointText(cp), keyName, signingKey);
}

/** Parses a signed checkpoint note; throws INTEGRITY (exit 5) for anything malformed. */
export function parseCheckpointNote(note: string): ParsedNote {
  const bad = (why: string) => new CircleError('INTEGRITY', `Not a valid checkpoint: ${why}`, { hint: 'Pass a file written by `circle audit checkpoint --out FILE`.' });
  const { text, signatures } = parseSignedNote(note, bad);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l.length === 0)) throw bad('fewer than three lines of text');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw bad('the tree size is not a decimal number');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) throw bad('the root hash is not 32 bytes of base64');
  const timeLine = lines.slice(3).find((l) => l.startsWith('time '));
  return {
    checkpoint: { origin, size: Number(sizeText), root, ...(timeLine ? { time: timeLine.slice(5) } : {}) },
    text,
    signatures,
  };
}
