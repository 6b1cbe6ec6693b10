import type { KeyObject } from 'node:crypto';
import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { CircleError } from '../errors.js';
import { syncDir, writeFileAtomic } from '../home/atomic.js';
import { withLock } from '../home/lock.js';
import { appendCheckpointRecord, buildCheckpointRecord, latestTrustedCheckpoint, type CheckpointRecord, type StoredCheckpoint } from './checkpoints.js';
import { detailsAad, prepareSpareSeal, takePreparedSeal } from './details.js';
import { GENESIS_PREV, auditEventSchema, buildEntry, readEntryHead, serializeEntry } from './entry.js';
import type { AuditKeys } from './keys.js';
import { auditLayout, segmentName, type AuditLayout } from './layout.js';
import { MerkleFrontier, leafHash } from './merkle.js';
import { listSegments, listSegmentsSync, readAtSync, readPrunedLeaves, readPrunedLeavesSync, readTailSync, scanLines, type SegmentInfo } from './segments.js';
import type { AuditEvent } from './sink.js';

/**
 * Appending to the log. Each append, under the log lock: find the last complete
 * entry (cutting off a torn line a crash left, which was never acknowledged),
 * rotate to a new segment when the current one is too big or too old, write one
 * line with O_APPEND and fdatasync, and — when the caller holds the signing key —
 * write a checkpoint every `checkpointEvery` entries.
 *
 * Under the lock, the small reads and the write (a readdir, an fstat, a 4 KiB
 * tail read, one line into the page cache) are synchronous: each is a few
 * microseconds as a syscall but ~0.1 ms as an async call (a thread-pool round
 * trip), and every waiting writer pays for the time the lock is held. Only the
 * fdatasync, which waits on the disk, goes through the thread pool (so a library
 * host's event loop keeps running); this thread spends that wait preparing the
 * next entry's sealed-details key agreement (a fresh ephemeral key, see details.ts).
 * One-shot processes can ask for a blocking fdatasync instead (`blockingFsync`).
 */

const fdatasyncAsync = promisify(fdatasync);

export interface RotationPolicy {
  /** Start a new segment once the current one holds this many bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Start a new segment once the current one's first entry is this old. Default 30 days. */
  maxAgeMs?: number;
}

export interface RetentionPolicy {
  /** Keep at most this many segments (the oldest are pruned to leaf hashes). */
  keepSegments?: number;
  /** Prune segments whose last entry is older than this. */
  maxAgeMs?: number;
}

export interface AppendOptions {
  keys: AuditKeys;
  now?: () => Date;
  /** With a signing key: write a checkpoint every this many entries (and at every rotation). Default 64. */
  checkpointEvery?: number;
  rotation?: RotationPolicy;
  retention?: RetentionPolicy;
  /**
   * fdatasync on the calling thread instead of the thread pool. Saves the pool's
   * two thread wake-ups (about 0.2 ms per append, more on a busy machine), but
   * blocks the event loop while the disk syncs: for one-shot processes such as a
   * `circle` command, not for a server that records as it serves. Default false.
   */
  blockingFsync?: boolean;
}

export interface AppendedEntry {
  seq: number;
  leafHash: string;
  segment: string;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const preparedDirs = new Set<string>();

async function prepareDirs(layout: AuditLayout): Promise<void> {
  if (preparedDirs.has(layout.segmentsDir)) return;
  await mkdir(layout.segmentsDir, { recursive: true, mode: 0o700 });
  preparedDirs.add(layout.segmentsDir);
}

interface Tail {
  /** Number of entries (the next seq). */
  size: number;
  lastLeaf: string;
  segment?: SegmentInfo;
  segmentBytes: number;
  /** The current segment, open O_APPEND|O_RDWR (the caller closes it). */
  fd?: number;
}

export async function appendAuditEvent(homeDir: string, event: AuditEvent & { reason?: string }, options: AppendOptions): Promise<AppendedEntry> {
  const checked = auditEventSchema.safeParse(event.reason === undefined ? event : { ...event, reason: normalizeReason(event.reason) });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new CircleError('INTERNAL', `Invalid audit event${issue ? ` at ${issue.path.join('.')}: ${issue.message}` : ''}`);
  }
  const layout = auditLayout(homeDir);
  await prepareDirs(layout);
  const now = options.now ?? (() => new Date());
  const prepared = checked.data.details === undefined ? undefined : takePreparedSeal(options.keys.detailsPublicKey);
  return withLock(layout.lockTarget, async () => {
    const tail = findTail(layout, listSegmentsSync(layout));
    // One descriptor (O_APPEND|O_RDWR) serves the tail read, the age check and the write.
    let fd = tail.fd;
    try {
      const time = now();
      let target = tail.segment;
      let rotated = false;
      if (!target || fd === undefined || shouldRotate(fd, tail.segmentBytes, time, options.rotation)) {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
        target = { name: segmentName(tail.size), path: join(layout.segmentsDir, segmentName(tail.size)), firstSeq: tail.size };
        rotated = tail.segment !== undefined;
      }
      const seq = tail.size;
      const sealed = prepared && checked.data.details ? prepared.seal(checked.data.details, detailsAad(seq)) : undefined;
      const line = serializeEntry(buildEntry(seq, tail.lastLeaf, time, checked.data, sealed));
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      const leaf = leafHash(bytes.subarray(0, bytes.length - 1)).toString('hex');
      const created = fd === undefined;
      fd ??= openSync(target.path, 'a', 0o600);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      if (options.blockingFsync) {
        fdatasyncSync(fd);
      } else {
        const durable = fdatasyncAsync(fd);
        // The disk wait is idle time for this thread: spend it on the next entry's key agreement.
        if (prepared) prepareSpareSealQuietly(options.keys.detailsPublicKey);
        await durable;
      }
      closeSync(fd);
      fd = undefined;
      if (created) await syncDir(layout.segmentsDir);

      // The entry is durable and acknowledged from here on: checkpointing and pruning are
      // upkeep, and their failure (a log that no longer verifies) is for verify and watch to
      // report, not a reason to tell the caller its event was lost.
      const every = Math.max(1, options.checkpointEvery ?? 64);
      if (options.keys.signingKey && ((seq + 1) % every === 0 || rotated)) {
        await checkpointLocked(layout, options.keys, time, options.blockingFsync).catch(() => undefined);
      }
      if (rotated && options.retention) await pruneLocked(layout, options.retention, time).catch(() => undefined);
      return { seq, leafHash: leaf, segment: target.name };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
}

/**
 * The last acknowledged entry; repairs a torn last line in the current segment.
 * Returns the current segment's descriptor still open (the caller closes it).
 */
function findTail(layout: AuditLayout, segments: SegmentInfo[]): Tail {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    const current = i === segments.length - 1;
    const fd = openSync(segment.path, current ? 'a+' : 'r');
    let keep = false;
    try {
      const size = fstatSync(fd).size;
      const { complete, last } = readTailSync(fd, size);
      if (complete !== size) {
        if (!current) throw corrupt(`segment ${segment.name} ends in a partial entry`);
        // The partial line was never acknowledged (its fdatasync never returned): cut it off.
        ftruncateSync(fd, complete);
        fdatasyncSync(fd);
      }
      if (!last) {
        // Empty (its only line was torn): the entry it was meant to hold goes here again.
        if (current) {
          const before = findTail(layout, segments.slice(0, i));
          if (before.size === segment.firstSeq) {
            keep = true;
            return { ...before, segment, segmentBytes: 0, fd };
          }
        }
        throw corrupt(`segment ${segment.name} is empty`);
      }
      const head = readEntryHead(last.line);
      if (!head) throw corrupt(`the last entry of segment ${segment.name} is malformed`);
      keep = current;
      return { size: head.seq + 1, lastLeaf: leafHash(last.line).toString('hex'), segment, segmentBytes: complete, ...(current ? { fd } : {}) };
    } finally {
      if (!keep) closeSync(fd);
    }
  }
  const pruned = readPrunedLeavesSync(layout);
  const lastPruned = pruned[pruned.length - 1];
  return { size: pruned.length, lastLeaf: lastPruned ? lastPruned.toString('hex') : GENESIS_PREV, segmentBytes: 0 };
}

/** A spare seal is only a head start: failing to make one must not turn into a lost entry. */
function prepareSpareSealQuietly(recipient: KeyObject): void {
  try {
    prepareSpareSeal(recipient);
  } catch {
    // The next append prepares its own seal, and reports the problem if it persists.
  }
}

/** `TOKEN_INVALID` → `token-invalid`: reason codes are a small clear-text vocabulary. */
export function normalizeReason(reason: string): string {
  const folded = reason.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 64);
  return folded === '' ? 'unspecified' : folded;
}

function corrupt(why: string): CircleError {
  return new CircleError('STATE_CORRUPT', `The audit log is corrupt: ${why}`, { hint: 'Run `circle audit verify` to find the first bad entry; nothing was appended.' });
}

function shouldRotate(fd: number, bytes: number, now: Date, policy: RotationPolicy = {}): boolean {
  if (bytes >= (policy.maxBytes ?? DEFAULT_MAX_BYTES)) return true;
  const maxAge = policy.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const first = readFirstTimeSync(fd);
  return first !== undefined && now.getTime() - first >= maxAge;
}

function firstTimeIn(buf: Buffer, length: number): number | undefined {
  const m = /"time":"([^"]+)"/.exec(buf.toString('utf8', 0, length));
  const t = m ? Date.parse(m[1]!) : Number.NaN;
  return Number.isFinite(t) ? t : undefined;
}

function readFirstTimeSync(fd: number): number | undefined {
  const buf = Buffer.alloc(256);
  return firstTimeIn(buf, readAtSync(fd, buf, 256, 0));
}

async function readFirstTime(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buf, 0, 256, 0);
    return firstTimeIn(buf, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The tree over the whole log as it is now, extending the latest trusted stored
 * checkpoint (or from scratch). Checks seq and `prev` of every entry it reads,
 * so it never signs over a broken chain.
 */
export async function currentTree(layout: AuditLayout, keys: Pick<AuditKeys, 'origin' | 'verifyKey'>): Promise<{ frontier: MerkleFrontier; lastLeaf: string; next: CheckpointRecord['next'] }> {
  const stored = await latestTrustedCheckpoint(layout, keys);
  if (stored) {
    try {
      return await extendTree(layout, stored);
    } catch {
      // E.g. the stored position's segment was pruned since: recompute in full, but still
      // require the signed root at the stored size, so a fallback never signs a rewritten past.
      return extendTree(layout, undefined, { size: stored.record.size, root: stored.note.checkpoint.root });
    }
  }
  return extendTree(layout, undefined);
}

async function extendTree(
  layout: AuditLayout,
  stored: StoredCheckpoint | undefined,
  anchor?: { size: number; root: Buffer },
): Promise<{ frontier: MerkleFrontier; lastLeaf: string; next: CheckpointRecord['next'] }> {
  const checkAnchor = (f: MerkleFrontier) => {
    if (anchor && f.size === anchor.size && !f.root().equals(anchor.root)) {
      throw new CircleError('INTEGRITY', `The audit log no longer matches its signed checkpoint at size ${anchor.size}`, { hint: 'Run `circle audit verify`; no checkpoint was written.' });
    }
  };
  const segments = await listSegments(layout);
  let frontier: MerkleFrontier;
  let lastLeaf: string;
  let position: CheckpointRecord['next'];
  if (stored) {
    frontier = new MerkleFrontier(stored.record.size, stored.record.frontier.map((h) => Buffer.from(h, 'base64')));
    lastLeaf = stored.record.lastLeaf;
    position = stored.record.next;
  } else {
    frontier = new MerkleFrontier();
    const pruned = await readPrunedLeaves(layout);
    checkAnchor(frontier);
    for (const leaf of pruned) {
      frontier.append(leaf);
      checkAnchor(frontier);
    }
    lastLeaf = pruned.length > 0 ? pruned[pruned.length - 1]!.toString('hex') : GENESIS_PREV;
    position = { segment: pruned.length, offset: 0 };
  }
  let next = position;
  for (const segment of segments) {
    if (segment.firstSeq < position.segment) continue;
    const start = segment.firstSeq === position.segment ? position.offset : 0;
    let problem: string | undefined;
    const scan = await scanLines(
      segment.path,
      ({ line }) => {
        const head = readEntryHead(line);
        if (!head || head.seq !== frontier.size || head.prev !== lastLeaf) {
          problem = `entry ${frontier.size} in segment ${segment.name} does not continue the chain`;
          return false;
        }
        const leaf = leafHash(line);
        frontier.append(leaf);
        lastLeaf = leaf.toString('hex');
        checkAnchor(frontier);
      },
      start,
    );
    if (problem) throw new CircleError('INTEGRITY', `The audit log does not verify: ${problem}`, { hint: 'Run `circle audit verify` for details; no checkpoint was written.' });
    next = { segment: segment.firstSeq, offset: scan.end };
  }
  if (anchor && frontier.size < anchor.size) {
    throw new CircleError('INTEGRITY', `The audit log has ${frontier.size} entries, fewer than its signed checkpoint's ${anchor.size}`, { hint: 'Run `circle audit verify`; no checkpoint was written.' });
  }
  return { frontier, lastLeaf, next };
}

async function checkpointLocked(layout: AuditLayout, keys: AuditKeys, time: Date, blockingFsync = false): Promise<CheckpointRecord> {
  const tree = await currentTree(layout, keys);
  const record = buildCheckpointRecord(keys, tree.frontier, tree.lastLeaf, tree.next, time);
  await appendCheckpointRecord(layout, record, blockingFsync);
  return record;
}

/** Signs and stores a checkpoint of the log as it is now; returns the signed note. Needs `keys.signingKey`. */
export async function writeAuditCheckpoint(homeDir: string, keys: AuditKeys, now: Date = new Date()): Promise<CheckpointRecord> {
  const layout = auditLayout(homeDir);
  await prepareDirs(layout);
  if (!keys.signingKey) throw new CircleError('AUTH_REQUIRED', 'Writing an audit checkpoint needs the signing key', { hint: 'Log in first (circle auth login).' });
  return withLock(layout.lockTarget, () => checkpointLocked(layout, keys, now));
}

/**
 * Retention: the oldest segments (never the current one) are replaced by their
 * leaf hashes in `pruned.leaves`, so the tree, old checkpoints and consistency
 * proofs keep working; only the entries' contents are gone.
 */
async function pruneLocked(layout: AuditLayout, policy: RetentionPolicy, now: Date): Promise<number> {
  const segments = await listSegments(layout);
  const pruned = await readPrunedLeaves(layout);
  const live = segments.filter((s, i) => (segments[i + 1]?.firstSeq ?? Number.POSITIVE_INFINITY) > pruned.length);
  const victims: SegmentInfo[] = [];
  for (let i = 0; i < live.length - 1; i++) {
    const segment = live[i]!;
    const byCount = policy.keepSegments !== undefined && live.length - i > Math.max(1, policy.keepSegments);
    const nextFirst = live[i + 1]!;
    const nextStart = await readFirstTime(nextFirst.path);
    const byAge = policy.maxAgeMs !== undefined && nextStart !== undefined && now.getTime() - nextStart >= policy.maxAgeMs;
    if (!byCount && !byAge) break;
    victims.push(segment);
  }
  if (victims.length === 0) return 0;
  const leaves = [...pruned];
  for (const segment of victims) {
    if (segment.firstSeq !== leaves.length) throw corrupt(`segment ${segment.name} does not follow the pruned entries`);
    await scanLines(segment.path, ({ line }) => {
      leaves.push(leafHash(line));
    });
  }
  // The leaf file is the record of what was pruned; it is durable before any segment goes.
  await writeFileAtomic(layout.prunedLeaves, Buffer.concat(leaves));
  for (const segment of victims) await unlink(segment.path);
  await syncDir(layout.segmentsDir);
  return victims.length;
}

export async function pruneAuditLog(homeDir: string, policy: RetentionPolicy, now: Date = new Date()): Promise<number> {
  const layout = auditLayout(homeDir);
  await prepareDirs(layout);
  return withLock(layout.lockTarget, () => pruneLocked(layout, policy, now));
}

