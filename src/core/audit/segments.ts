import { fstatSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { type AuditLayout, parseSegmentName } from './layout.js';
import { HASH_SIZE } from './merkle.js';

/** Reading the log's files: the segment list, lines streamed in big chunks, tails, pruned leaves. */

export interface SegmentInfo {
  name: string;
  path: string;
  firstSeq: number;
}

/** The segments in order. A directory listing is cheap enough to do synchronously on every path. */
export async function listSegments(layout: AuditLayout): Promise<SegmentInfo[]> {
  return listSegmentsSync(layout);
}

/** `listSegments` without a thread-pool round trip, for the append path under the log lock. */
export function listSegmentsSync(layout: AuditLayout): SegmentInfo[] {
  let names: string[];
  try {
    names = readdirSync(layout.segmentsDir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const segments: SegmentInfo[] = [];
  for (const name of names) {
    const firstSeq = parseSegmentName(name);
    if (firstSeq !== undefined) segments.push({ name, path: join(layout.segmentsDir, name), firstSeq });
  }
  return segments.sort((a, b) => a.firstSeq - b.firstSeq);
}

const CHUNK = 1 << 22;
const MIN_CHUNK = 1 << 16;

export interface LineVisit {
  /** The line without its newline; only valid during the callback. */
  line: Buffer;
  /** Byte offset of the line's start in the file. */
  offset: number;
  /** 1-based line number counted from `startOffset`'s line (the start of the file by default). */
  lineNo: number;
}

export interface ScanResult {
  /** Offset just after the last complete line. */
  end: number;
  /** Bytes after the last newline: a torn write that was never acknowledged. */
  tornBytes: number;
  stopped: boolean;
}

/**
 * Calls `visit` for each complete line of `path` from `startOffset`, reading in
 * chunks of up to 4 MiB; returning false stops the scan. A synchronous callback keeps a
 * million-line scan free of per-line promise overhead.
 */
export async function scanLines(path: string, visit: (v: LineVisit) => boolean | void, startOffset = 0): Promise<ScanResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { end: startOffset, tornBytes: 0, stopped: false };
    throw error;
  }
  try {
    // A buffer no bigger than what is there to read: most scans (a checkpoint extending over
    // the entries since the last one, a watch poll) read a few KiB, and a fresh 4 MiB buffer
    // each time is mostly garbage-collector work. Longer lines grow it below.
    const remaining = fstatSync(handle.fd).size - startOffset;
    let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(MIN_CHUNK, remaining + 1)));
    let carry = 0;
    let fileOffset = startOffset;
    let lineNo = 0;
    for (;;) {
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, carry, buf.length - carry, fileOffset + carry);
      const filled = carry + bytesRead;
      // Searching only the filled part: past it is stale or uninitialised memory.
      const view = buf.subarray(0, filled);
      let start = 0;
      for (;;) {
        const nl = view.indexOf(10, start);
        if (nl < 0) break;
        lineNo++;
        if (visit({ line: buf.subarray(start, nl), offset: fileOffset + start, lineNo }) === false) {
          return { end: fileOffset + nl + 1, tornBytes: 0, stopped: true };
        }
        start = nl + 1;
      }
      if (bytesRead === 0) return { end: fileOffset + start, tornBytes: filled - start, stopped: false };
      buf.copy(buf, 0, start, filled);
      fileOffset += start;
      carry = filled - start;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The last complete line before `end` in an open file, scanning backwards (the
 * checkpoint store's few lines from the end: small reads, done synchronously).
 */
export function readLastLineSync(fd: number, end: number): { line: Buffer; offset: number } | undefined {
  if (end === 0) return undefined;
  let chunk = 4096;
  for (;;) {
    const from = Math.max(0, end - 1 - chunk);
    const buf = Buffer.allocUnsafe(end - 1 - from);
    const view = buf.subarray(0, readAtSync(fd, buf, buf.length, from));
    const nl = view.lastIndexOf(10);
    if (nl >= 0) return { line: view.subarray(nl + 1), offset: from + nl + 1 };
    if (from === 0) return { line: view, offset: 0 };
    chunk *= 4;
  }
}

/** Offset just after the last newline of an open file of `size` bytes (0 when it has none). */
export function completeLengthSync(fd: number, size: number): number {
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  readAtSync(fd, last, 1, size - 1);
  if (last[0] === 10) return size;
  const tail = readLastLineSync(fd, size + 1);
  // readLastLineSync treats `end - 1` as the newline; asking for size + 1 makes the torn bytes "the line".
  return tail ? tail.offset : 0;
}

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export function readAtSync(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * The append path's tail read, synchronous: the bytes before `size` (at most the
 * last 4 KiB at first) give both the torn-line check and the last line in one read.
 * Returns the offset just after the last newline (0 when none) and the last
 * complete line before it (undefined when there is none).
 */
export function readTailSync(fd: number, size: number): { complete: number; last?: { line: Buffer; offset: number } } {
  if (size === 0) return { complete: 0 };
  let chunk = 4096;
  let complete = -1;
  for (;;) {
    const from = Math.max(0, size - chunk);
    const buf = Buffer.allocUnsafe(size - from);
    const got = readAtSync(fd, buf, buf.length, from);
    const view = buf.subarray(0, got);
    if (complete < 0) {
      const nl = view.lastIndexOf(10);
      if (nl >= 0) complete = from + nl + 1;
      else if (from === 0) return { complete: 0 };
    }
    if (complete >= 0) {
      // The last complete line ends at complete - 1 (its newline); find the newline before it.
      const endInBuf = complete - 1 - from;
      if (endInBuf >= 0) {
        const prev = endInBuf === 0 ? -1 : view.lastIndexOf(10, endInBuf - 1);
        if (prev >= 0) return { complete, last: { line: view.subarray(prev + 1, endInBuf), offset: from + prev + 1 } };
        if (from === 0) return { complete, last: { line: view.subarray(0, endInBuf), offset: 0 } };
      }
    }
    if (from === 0) return { complete: Math.max(0, complete) };
    chunk *= 4;
  }
}

/** Leaf hashes of pruned segments, kept so the tree (and proofs) still cover them. */
export async function readPrunedLeaves(layout: AuditLayout): Promise<Buffer[]> {
  const bytes = await readFileIfExists(layout.prunedLeaves);
  return bytes ? splitLeaves(bytes) : [];
}

/** `readPrunedLeaves` for the append path under the log lock (read only when there is no segment). */
export function readPrunedLeavesSync(layout: AuditLayout): Buffer[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(layout.prunedLeaves);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  return splitLeaves(bytes);
}

/** The pruned-leaves file is the leaf hashes back to back. */
function splitLeaves(bytes: Buffer): Buffer[] {
  const leaves: Buffer[] = [];
  for (let i = 0; i + HASH_SIZE <= bytes.length; i += HASH_SIZE) leaves.push(bytes.subarray(i, i + HASH_SIZE));
  return leaves;
}
