import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { z } from 'zod';
import { CircleError } from '../errors.js';
import { type AuditLayout } from './layout.js';
import { MerkleFrontier } from './merkle.js';
import { noteKeyId, noteSignedBy, parseCheckpointNote, signCheckpoint, type ParsedNote, type VerifierKey } from './note.js';
import { completeLengthSync, readLastLineSync, scanLines } from './segments.js';
import type { AuditKeys } from './keys.js';

/**
 * The home's own checkpoints: `audit/checkpoints.jsonl`, one signed note per line
 * plus the tree frontier at that size, so the next checkpoint extends it in
 * O(entries since) instead of rehashing the log. The frontier is trusted only
 * after it hashes to the signed root.
 */

const fdatasyncAsync = promisify(fdatasync);

const b64hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

export const checkpointRecordSchema = z.object({
  size: z.number().int().nonnegative(),
  note: z.string(),
  frontier: z.array(b64hash),
  /** Leaf hash of entry size-1 (hex), to check the next entry's `prev`. */
  lastLeaf: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where entry `size` starts: the segment (by first seq) and byte offset. */
  next: z.object({ segment: z.number().int().nonnegative(), offset: z.number().int().nonnegative() }),
});
export type CheckpointRecord = z.infer<typeof checkpointRecordSchema>;

export interface StoredCheckpoint {
  record: CheckpointRecord;
  note: ParsedNote;
}

/** A stored record whose note parses, is signed by the log's key and matches its frontier; else undefined. */
export function trustRecord(raw: string, keys: Pick<AuditKeys, 'origin' | 'verifyKey'>): StoredCheckpoint | undefined {
  let record: CheckpointRecord;
  let note: ParsedNote;
  try {
    record = checkpointRecordSchema.parse(JSON.parse(raw));
    note = parseCheckpointNote(record.note);
  } catch {
    return undefined;
  }
  if (note.checkpoint.origin !== keys.origin || note.checkpoint.size !== record.size) return undefined;
  if (!noteSignedBy(note, logVerifier(keys))) return undefined;
  try {
    const frontier = new MerkleFrontier(record.size, record.frontier.map((h) => Buffer.from(h, 'base64')));
    if (!frontier.root().equals(note.checkpoint.root)) return undefined;
  } catch {
    return undefined;
  }
  return { record, note };
}

/** The log's own key as a signed-note verifier (its name is the log's origin). */
export function logVerifier(keys: Pick<AuditKeys, 'origin' | 'verifyKey'>): VerifierKey {
  return { name: keys.origin, keyId: noteKeyId(keys.origin, keys.verifyKey), publicKey: keys.verifyKey };
}

/**
 * The latest stored checkpoint that can be trusted, scanning back from the end of
 * the file. A few small reads near the end, so synchronous (a thread-pool round
 * trip each would cost more than the read; the appender calls this under the log lock).
 */
export async function latestTrustedCheckpoint(layout: AuditLayout, keys: Pick<AuditKeys, 'origin' | 'verifyKey'>): Promise<StoredCheckpoint | undefined> {
  let fd: number;
  try {
    fd = openSync(layout.checkpoints, 'r');
  } catch {
    return undefined;
  }
  try {
    let end = completeLengthSync(fd, fstatSync(fd).size);
    // Only a few lines back: an untrusted latest line is unusual (a crash mid-sync or tampering).
    for (let tries = 0; tries < 8 && end > 0; tries++) {
      const last = readLastLineSync(fd, end);
      if (!last) return undefined;
      const trusted = trustRecord(last.line.toString('utf8'), keys);
      if (trusted) return trusted;
      end = last.offset;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Every line of the store, parsed loosely (verification judges each). */
export async function readCheckpointLines(layout: AuditLayout): Promise<{ raw: string; lineNo: number }[]> {
  const lines: { raw: string; lineNo: number }[] = [];
  await scanLines(layout.checkpoints, ({ line, lineNo }) => {
    lines.push({ raw: line.toString('utf8'), lineNo });
  });
  return lines;
}

export function buildCheckpointRecord(
  keys: AuditKeys,
  frontier: MerkleFrontier,
  lastLeaf: string,
  next: CheckpointRecord['next'],
  time: Date,
): CheckpointRecord {
  if (!keys.signingKey) throw new CircleError('AUTH_REQUIRED', 'Writing an audit checkpoint needs the signing key', { hint: 'Log in first (circle auth login).' });
  const note = signCheckpoint({ origin: keys.origin, size: frontier.size, root: frontier.root(), time: time.toISOString().replace(/\.\d{3}Z$/, 'Z') }, keys.origin, keys.signingKey);
  return { size: frontier.size, note, frontier: frontier.subtrees.map((h) => h.toString('base64')), lastLeaf, next };
}

/**
 * Appends a record with O_APPEND and fdatasync, first cutting off a torn last line.
 * Caller holds the log lock; as for entries, only the fdatasync may leave this thread.
 */
export async function appendCheckpointRecord(layout: AuditLayout, record: CheckpointRecord, blockingFsync = false): Promise<void> {
  const fd = openSync(layout.checkpoints, 'a+', 0o600);
  try {
    const size = fstatSync(fd).size;
    const complete = completeLengthSync(fd, size);
    if (complete !== size) ftruncateSync(fd, complete);
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    if (blockingFsync) fdatasyncSync(fd);
    else await fdatasyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}
