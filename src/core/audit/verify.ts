import { CircleError } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { logVerifier, readCheckpointLines, checkpointRecordSchema } from './checkpoints.js';
import { GENESIS_PREV, entryHeadIs, parseEntryLine, readEntryHead, writeHex } from './entry.js';
import type { AuditKeys } from './keys.js';
import { auditLayout } from './layout.js';
import { HASH_SIZE, MerkleFrontier, leafHash } from './merkle.js';
import { noteSignedBy, parseCheckpointNote, type ParsedNote } from './note.js';
import { listSegments, scanLines } from './segments.js';

/**
 * Full verification: every entry (well-formed, in sequence, chained to the one
 * before), the Merkle tree, and every checkpoint — the home's own and a kept
 * one — against its signature and the tree recomputed at its size. Stops at the
 * first problem and names the first entry that cannot be trusted.
 */

export type VerifyProblemKind = 'malformed' | 'sequence' | 'chain' | 'segment' | 'root' | 'truncated' | 'signature' | 'pruned';

export interface VerifyProblem {
  kind: VerifyProblemKind;
  /** The first entry that cannot be trusted (0-based sequence number). */
  seq: number;
  /** The segment file holding it, when it still exists. */
  segment?: string;
  line?: number;
  message: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  size: number;
  root: string;
  segments: number;
  prunedEntries: number;
  /** Signed checkpoints checked against the tree (the home's and a kept one). */
  checkpointsChecked: number;
  kept?: { size: number; root: string; matches: boolean };
  /** A torn last line left by a crash: not an entry, repaired by the next append. */
  tornTailBytes: number;
  firstBad?: VerifyProblem;
}

export interface VerifyOptions {
  keys: Pick<AuditKeys, 'origin' | 'verifyKey'>;
  /** A checkpoint note kept outside the home. */
  keptCheckpoint?: string;
  /** Parse every entry against the schema (slower); by default only the fixed head is read. */
  deep?: boolean;
}

const KEPT = 'the kept checkpoint';

interface ExpectedRoot {
  size: number;
  root: Buffer;
  label: string;
}

export async function verifyAuditLog(homeDir: string, options: VerifyOptions): Promise<AuditVerifyResult> {
  const layout = auditLayout(homeDir);
  const verifier = logVerifier(options.keys);
  let firstBad: VerifyProblem | undefined;
  /** Set by a problem in the entries themselves: past it, nothing more can be checked. */
  let stopped = false;
  const fail = (p: VerifyProblem, stop = true) => {
    if (!firstBad || p.seq < firstBad.seq) firstBad = p;
    if (stop) stopped = true;
  };

  // Checkpoints first, so the stream can compare roots as it passes each size.
  const expected: ExpectedRoot[] = [];
  let kept: ParsedNote | undefined;
  if (options.keptCheckpoint !== undefined) {
    kept = parseCheckpointNote(options.keptCheckpoint);
    if (kept.checkpoint.origin !== options.keys.origin) {
      throw new CircleError('CHECK_FAILED', `The checkpoint is for log "${kept.checkpoint.origin}", this home's log is "${options.keys.origin}"`);
    }
    if (!noteSignedBy(kept, verifier)) {
      fail({ kind: 'signature', seq: 0, message: 'The kept checkpoint is not signed by this log\'s key' }, false);
    } else {
      expected.push({ size: kept.checkpoint.size, root: kept.checkpoint.root, label: KEPT });
    }
  }
  for (const { raw, lineNo } of await readCheckpointLines(layout)) {
    const label = `stored checkpoint (line ${lineNo} of checkpoints.jsonl)`;
    let note: ParsedNote;
    try {
      note = parseCheckpointNote(checkpointRecordSchema.parse(JSON.parse(raw)).note);
    } catch {
      fail({ kind: 'signature', seq: 0, message: `The ${label} is malformed` }, false);
      continue;
    }
    if (note.checkpoint.origin !== options.keys.origin || !noteSignedBy(note, verifier)) {
      fail({ kind: 'signature', seq: Math.max(0, note.checkpoint.size - 1), message: `The ${label} at size ${note.checkpoint.size} has no valid signature by this log's key` }, false);
      continue;
    }
    expected.push({ size: note.checkpoint.size, root: note.checkpoint.root, label });
  }
  expected.sort((a, b) => a.size - b.size);

  const frontier = new MerkleFrontier();
  let cursor = 0;
  let lastGoodSize = 0;
  let checked = 0;
  let keptMatches = false;
  const checkRoots = () => {
    while (cursor < expected.length && expected[cursor]!.size <= frontier.size) {
      const e = expected[cursor++]!;
      if (e.size !== frontier.size) continue;
      checked++;
      const matches = frontier.root().equals(e.root);
      if (e.label === KEPT) keptMatches = matches;
      if (matches) {
        lastGoodSize = e.size;
      } else {
        fail({
          kind: 'root',
          seq: lastGoodSize,
          message: `Entries ${lastGoodSize}..${e.size - 1} do not match ${e.label} (size ${e.size}): history was rewritten from entry ${lastGoodSize} on or after`,
        });
      }
    }
  };
  checkRoots();

  // Pruned segments survive as leaf hashes only.
  const prunedBytes = (await readFileIfExists(layout.prunedLeaves)) ?? Buffer.alloc(0);
  if (prunedBytes.length % HASH_SIZE !== 0) fail({ kind: 'pruned', seq: Math.floor(prunedBytes.length / HASH_SIZE), message: 'pruned.leaves is not a whole number of hashes' });
  const prunedCount = Math.floor(prunedBytes.length / HASH_SIZE);
  // The previous entry's leaf hash as the 64 hex bytes the next entry must carry.
  const prevHex = Buffer.from(GENESIS_PREV, 'latin1');
  for (let i = 0; i < prunedCount && !stopped; i++) {
    const leaf = prunedBytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    frontier.append(leaf);
    checkRoots();
    if (i === prunedCount - 1) prevHex.write(leaf.toString('hex'), 'latin1');
  }

  const segments = (await listSegments(layout)).filter((s, i, all) => (all[i + 1]?.firstSeq ?? Number.POSITIVE_INFINITY) > prunedCount);
  let tornTailBytes = 0;
  for (let s = 0; s < segments.length && !stopped; s++) {
    const segment = segments[s]!;
    if (segment.firstSeq !== frontier.size) {
      fail({
        kind: 'segment',
        seq: frontier.size,
        segment: segment.name,
        message: segment.firstSeq > frontier.size ? `Entries ${frontier.size}..${segment.firstSeq - 1} are missing (segment ${segment.name} starts at ${segment.firstSeq})` : `Segment ${segment.name} overlaps the entries before it`,
      });
      break;
    }
    const scan = await scanLines(segment.path, ({ line, lineNo }) => {
      const seq = frontier.size;
      if (entryHeadIs(line, seq, prevHex) && !(options.deep && parseEntryLine(line.toString('utf8')) === undefined)) {
        const leaf = leafHash(line);
        frontier.append(leaf);
        writeHex(prevHex, leaf);
        if (cursor < expected.length && expected[cursor]!.size <= frontier.size) {
          checkRoots();
          if (stopped) return false;
        }
        return;
      }
      const prev = prevHex.toString('latin1');
      const where = { segment: segment.name, line: lineNo };
      const head = readEntryHead(line);
      if (!head || (options.deep && parseEntryLine(line.toString('utf8')) === undefined)) {
        fail({ kind: 'malformed', seq, ...where, message: `Entry ${seq} is not a well-formed audit entry` });
        return false;
      }
      if (head.seq !== seq) {
        fail({ kind: 'sequence', seq, ...where, message: `Expected entry ${seq} here, found entry ${head.seq}: entries were deleted, reordered or inserted` });
        return false;
      }
      if (head.prev !== prev) {
        // The link in entry `seq` no longer matches the entry before it: that one was altered (or this link was).
        const altered = Math.max(0, seq - 1);
        fail({ kind: 'chain', seq: altered, ...(seq === segment.firstSeq ? {} : { segment: segment.name, line: lineNo - 1 }), message: `Entry ${altered} was altered: entry ${seq} records a different hash for it` });
        return false;
      }
      fail({ kind: 'malformed', seq, ...where, message: `Entry ${seq} is not in canonical form` });
      return false;
    });
    if (scan.tornBytes > 0) {
      if (s === segments.length - 1) tornTailBytes = scan.tornBytes;
      else fail({ kind: 'malformed', seq: frontier.size, segment: segment.name, message: `Segment ${segment.name} ends in a partial entry` });
    }
  }
  if (!stopped) checkRoots();
  const longest = expected[expected.length - 1];
  if (!stopped && longest && longest.size > frontier.size) {
    fail({ kind: 'truncated', seq: frontier.size, message: `The log has ${frontier.size} entries but ${longest.label} covers ${longest.size}: entries ${frontier.size}..${longest.size - 1} were removed` });
  }

  // Name the segment (and line) of the first bad entry when the check that caught it was a tree head.
  const bad = firstBad as VerifyProblem | undefined;
  if (bad && bad.segment === undefined && bad.seq >= prunedCount && bad.seq < frontier.size) {
    const holder = [...segments].reverse().find((seg) => seg.firstSeq <= bad.seq);
    if (holder) {
      bad.segment = holder.name;
      bad.line = bad.seq - holder.firstSeq + 1;
    }
  }

  return {
    ok: firstBad === undefined,
    size: frontier.size,
    root: frontier.root().toString('base64'),
    segments: segments.length,
    prunedEntries: prunedCount,
    checkpointsChecked: checked,
    ...(kept ? { kept: { size: kept.checkpoint.size, root: kept.checkpoint.root.toString('base64'), matches: keptMatches } } : {}),
    tornTailBytes,
    ...(firstBad ? { firstBad } : {}),
  };
}
