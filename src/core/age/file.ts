import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { syncDir } from '../home/atomic.js';
import { processorTransform, type AgeStreamProcessor } from './stream.js';

/**
 * Read size: four sealed chunks. Two such buffers are reused for the whole
 * file (one being processed while the next is read), so reading allocates
 * nothing per chunk and memory stays flat whatever the file size.
 */
const readChunk = 4 * (64 * 1024 + 16);

/**
 * node:crypto hands back every sealed or opened chunk in a fresh 64 KiB
 * buffer. V8 frees such buffers only in a young-generation GC, which it starts
 * by itself once about 32 MiB of them are pending: a third of our memory
 * budget spent on dead chunks. A short-lived CLI process may instead ask for a
 * minor GC every few MiB (about 0.5 ms each), which keeps that garbage at a
 * few MiB. This exposes V8's `gc` for the whole process, so only the `circle`
 * commands call it, never the library.
 */
export function youngGenerationCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as ((options?: { type: 'minor' | 'major' }) => void) | undefined;
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes written between two collections when a collector is given. */
const collectEvery = 8 << 20;

export interface ProcessFileOptions {
  /** File mode of the output (default 0600). */
  mode?: number;
  /** Called every few MiB of output (see `youngGenerationCollector`). */
  collect?: () => void;
}

/** Where the data comes from: a file path, or stdin for undefined / `-`. */
export type AgeInput = string | undefined;

function isStdio(path: string | undefined): path is undefined | '-' {
  return path === undefined || path === '-';
}

/** Reads in flight ahead of the buffer being processed. */
const readAhead = 2;

/**
 * Buffers of `handle`, read ahead into a small ring of reused buffers at
 * explicit positions (so reads in flight cannot race on the file offset). A
 * yielded buffer is valid until the next one is asked for.
 */
async function* fileChunks(handle: FileHandle): AsyncGenerator<Buffer> {
  const free: Buffer[] = Array.from({ length: readAhead + 1 }, () => Buffer.allocUnsafe(readChunk));
  const inFlight: { buffer: Buffer; at: number; read: Promise<{ bytesRead: number }> }[] = [];
  let position = 0;
  let eof = false;
  const issue = () => {
    while (!eof && inFlight.length < readAhead && free.length > 0) {
      const buffer = free.pop()!;
      const read = handle.read(buffer, 0, readChunk, position);
      read.catch(() => undefined); // handled where awaited; never an unhandled rejection meanwhile
      inFlight.push({ buffer, at: position, read });
      position += readChunk;
    }
  };
  try {
    issue();
    while (inFlight.length > 0) {
      const { buffer, at, read } = inFlight.shift()!;
      const { bytesRead } = await read;
      if (bytesRead < readChunk) {
        // End of file (or a short read): drop the reads issued past it and go on from here.
        for (const r of inFlight.splice(0)) {
          await r.read.catch(() => undefined);
          free.push(r.buffer);
        }
        position = at + bytesRead;
        eof = bytesRead === 0;
      }
      if (bytesRead > 0) {
        issue();
        yield buffer.subarray(0, bytesRead);
      }
      free.push(buffer);
      issue();
    }
  } finally {
    // Never leave a read in flight into a buffer or a handle about to go away.
    for (const r of inFlight) await r.read.catch(() => undefined);
  }
}

/** Writes `pieces` at `position` (explicit, so writes in flight cannot race), retrying short writes. */
async function writeAll(handle: FileHandle, pieces: Buffer[], position: number): Promise<void> {
  let rest = pieces;
  let at = position;
  while (rest.length > 0) {
    const total = rest.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await handle.writev(rest, at);
    if (bytesWritten === total) return;
    if (bytesWritten <= 0) throw new Error('write made no progress');
    at += bytesWritten;
    let skip = bytesWritten;
    const left: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        left.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = left;
  }
}

/** Writes in flight: output is written while the next input is processed. */
const writeAhead = 2;

/**
 * Output bytes between background `fdatasync`s. The caller fsyncs the whole
 * file at the end anyway; flushing as we go overlaps the disk writeback with
 * the crypto instead of paying for all of it in that last fsync.
 */
const syncEvery = 64 << 20;

/**
 * Runs `processor` from `input` into the open (empty) file `out`: reading,
 * crypto and writing overlap (reads ahead, writes in flight), with at most a
 * few chunks in memory.
 */
async function processInto(input: AgeInput, processor: AgeStreamProcessor, out: FileHandle, collect?: () => void): Promise<void> {
  const writes: Promise<void>[] = [];
  let position = 0;
  let pieces: Buffer[] = [];
  let sinceCollect = 0;
  let sinceSync = 0;
  let syncing: Promise<void> | undefined;
  const emit = (b: Buffer) => {
    pieces.push(b);
    sinceCollect += b.length;
  };
  const flush = async (room: number) => {
    while (writes.length > room) await writes.shift();
    if (collect && sinceCollect >= collectEvery) {
      sinceCollect = 0;
      collect();
    }
    const batch = pieces;
    pieces = [];
    const size = batch.reduce((n, b) => n + b.length, 0);
    if (size === 0) return;
    const write = writeAll(out, batch, position);
    write.catch(() => undefined); // surfaced where awaited
    writes.push(write);
    position += size;
    sinceSync += size;
    if (sinceSync >= syncEvery && !syncing) {
      sinceSync = 0;
      syncing = out.datasync().finally(() => {
        syncing = undefined;
      });
      syncing.catch(() => undefined); // errors resurface in the caller's final fsync
    }
  };
  const inHandle = isStdio(input) ? undefined : await open(input, 'r');
  try {
    // Positioned reads need a regular file; a FIFO (`<(cmd)`) or a device is read as a stream.
    const chunks: AsyncIterable<Buffer> = !inHandle
      ? (process.stdin as AsyncIterable<Buffer>)
      : (await inHandle.stat()).isFile()
        ? fileChunks(inHandle)
        : inHandle.createReadStream({ autoClose: false, highWaterMark: readChunk });
    for await (const chunk of chunks) {
      await processor.update(chunk, emit);
      await flush(writeAhead - 1);
    }
    await processor.final(emit);
    await flush(writeAhead - 1);
    while (writes.length > 0) await writes.shift();
  } finally {
    processor.dispose();
    // A failure may leave writes in flight: let them settle before the caller closes or unlinks.
    await Promise.allSettled(writes);
    await syncing?.catch(() => undefined);
    await inHandle?.close();
  }
}

/**
 * Runs an age stream processor from `input` (a path, or stdin) to `output`: a
 * file written through one handle to a temp name, fsynced and renamed only
 * after the whole stream succeeded (so a failed decryption never leaves a
 * partial plaintext behind), or stdout.
 */
export async function processFile(input: AgeInput, processor: AgeStreamProcessor, output: string | undefined, options: ProcessFileOptions = {}): Promise<void> {
  const { mode = 0o600, collect } = options;
  if (isStdio(output)) {
    const source: Readable = isStdio(input) ? process.stdin : createReadStream(input, { highWaterMark: readChunk });
    await pipeline(source, processorTransform(processor, 4 * readChunk), process.stdout as Writable, { end: false });
    return;
  }
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await processInto(input, processor, handle, collect);
    await handle.sync();
    await handle.close();
    await rename(tmp, output);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await syncDir(dirname(output));
}
