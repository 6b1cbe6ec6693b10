import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { processorTransform, type AgeStreamProcessor, type PositionalRead } from './stream.js';
import { errnoCode } from '../errors.js';
import { checkInputPath, outputFileError } from '../files/user-paths.js';

/**
 * Read size: four sealed chunks. Two such buffers are reused for the whole
 * file (one being processed while the next is read), so reading allocates
 * nothing per chunk and memory stays flat whatever the file size.
 */
const readChunk = 4 * (64 * 1024 + 16);

/** Bytes written between two collections when a collector is given. */
const collectEvery = 8 << 20;

/**
 * The same for each thread of the payload pool: less, because the worker
 * thread costs about 9 MB of the budget by itself. A minor GC costs 0.1 to
 * 0.5 ms here; every 2 MiB that is about 0.1 s of CPU per GiB and thread.
 */
const workerCollectEvery = 2 << 20;

let mallocTuned = false;

/**
 * Each collection frees a few MiB of chunk buffers at once, and glibc's malloc
 * returns free memory above its trim threshold (128 KiB at start) at the top
 * of a heap to the kernel: the next chunk buffers then land on freshly
 * faulted, zeroed pages (sealing 512 MiB in a microbenchmark: 0.43 s of
 * kernel time, against 0.04 s once tuned). Freeing one large mmapped block
 * raises that threshold to twice the block's size (mallopt(3), "dynamic mmap
 * threshold"), after which freed chunk memory is reused in place. The block
 * is never touched, so never resident, and the first collection frees it;
 * other allocators just allocate and free it. Process-wide, like `gc`: only
 * when the caller handed us a collector, and only for input that may be
 * large (a small file has no churn to save).
 */
function raiseMallocTrimThreshold(): void {
  if (mallocTuned) return;
  mallocTuned = true;
  // 16 MiB: glibc adjusts only for blocks up to 32 MiB.
  void Buffer.allocUnsafeSlow(16 << 20);
}

/** Input above this size, or of unknown size, is worth `raiseMallocTrimThreshold`. */
const tuneFrom = collectEvery;

async function mayBeLarge(input: AgeInput): Promise<boolean> {
  if (isStdio(input)) return true;
  // A missing input fails where it is opened, with the usual error.
  const info = await stat(input).catch(() => undefined);
  return info !== undefined && (!info.isFile() || info.size >= tuneFrom);
}

export interface ProcessFileOptions {
  /** File mode of the output (default 0600). */
  mode?: number;
  /** What `-` (or no path) means for the input and the output (default: the process's stdin and stdout). */
  stdio?: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream };
  /**
   * Called every few MiB of output (see `youngGenerationCollector` in src/cli/process-tuning.ts). When
   * given, payload threads collect their garbage the same way, and malloc
   * keeps freed chunk memory (see `raiseMallocTrimThreshold`).
   */
  collect?: () => void;
  /**
   * Worker threads that help the main thread with a large regular file
   * written to a file (default: 1 on a machine with several cores, else 0;
   * 0: none).
   */
  workers?: number;
  /** Smallest input that gets workers (default `defaultParallelThreshold`). */
  parallelThreshold?: number;
}

/**
 * Inputs at least this large get a payload worker. The main thread starts on
 * the payload at once, but the worker takes 35-45 ms of CPU to boot, while the
 * sequential path does about 1 MiB per 2.5 ms: measured with hyperfine on the
 * whole `circle encrypt` (2 cores, not idle), the pool broke even at 32 MiB
 * (563 vs 573 ms) and won at 64 MiB (606 vs 697 ms), for 70-90 ms more CPU.
 */
export const defaultParallelThreshold = 32 << 20;

/**
 * Worker threads by default: one if the machine has a core to spare. With the
 * main thread that makes two threads at work, all the 2-core machines we
 * target have; each worker costs about 9 MB of memory against the 100 MB
 * budget of the `circle` commands.
 */
function defaultPayloadWorkers(): number {
  return Math.min(1, availableParallelism() - 1);
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
 * Runs `processor` from `chunks` into the open (empty) file `out`: reading,
 * crypto and writing overlap (reads ahead, writes in flight), with at most a
 * few chunks in memory.
 */
async function processSequentially(chunks: AsyncIterable<Buffer>, processor: AgeStreamProcessor, out: FileHandle, collect?: () => void): Promise<void> {
  const writes: Promise<void>[] = [];
  let position = 0;
  let pieces: Buffer[] = [];
  let sinceCollect = 0;
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
  };
  try {
    for await (const chunk of chunks) {
      await processor.update(chunk, emit);
      await flush(writeAhead - 1);
    }
    await processor.final(emit);
    await flush(writeAhead - 1);
    while (writes.length > 0) await writes.shift();
  } finally {
    // A failure may leave writes in flight: let them settle before the caller closes or unlinks.
    await Promise.allSettled(writes);
  }
}

/** Reads of `handle` at explicit positions, into fresh buffers. */
function positionalReader(handle: FileHandle): PositionalRead {
  return async (position, length) => {
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  };
}

/**
 * Runs `processor` from the regular file `input` (of `size` bytes) into the
 * open (empty) file `out` with payload workers, if the processor hands its
 * payload over; false (nothing consumed, nothing written) if it does not.
 */
async function processInParallel(input: FileHandle, size: number, processor: AgeStreamProcessor, out: FileHandle, workers: number, collect?: () => void): Promise<boolean> {
  // Loaded here: worker_threads and the pool cost a few ms that small files need not pay.
  const { inputChanged, PayloadPool } = await import('./payload-pool.js');
  // Started first: the workers boot while the header is read and its key unwrapped.
  const pool = new PayloadPool(workers);
  try {
    const handOff = await processor.handOff!(positionalReader(input));
    if (!handOff) return false;
    if (handOff.prefix.length > 0) await writeAll(out, [handOff.prefix], 0);
    await pool.run(handOff, {
      inputFd: input.fd,
      inputFileSize: size,
      outputFd: out.fd,
      collect,
      collectEvery: workerCollectEvery,
    });
    // Chunks were read at positions planned from the size: a file that changed under us is refused.
    if ((await input.stat()).size !== size) throw inputChanged(handOff.direction);
    return true;
  } finally {
    await pool.close();
  }
}

/**
 * Runs `processor` from `input` (a path, or stdin) into the open (empty) file
 * `out`: with payload workers for a large regular file, else sequentially.
 */
async function processInto(input: AgeInput, processor: AgeStreamProcessor, out: FileHandle, options: ProcessFileOptions): Promise<void> {
  const { collect, parallelThreshold = defaultParallelThreshold } = options;
  const inHandle = isStdio(input) ? undefined : await open(input, 'r');
  try {
    // Positioned reads need a regular file; a FIFO (`<(cmd)`) or a device is read as a stream.
    const info = await inHandle?.stat();
    const isFile = info?.isFile() ?? false;
    if (inHandle && isFile && info!.size >= parallelThreshold && processor.handOff) {
      const workers = options.workers ?? defaultPayloadWorkers();
      if (workers >= 1 && (await processInParallel(inHandle, info!.size, processor, out, workers, collect))) return;
    }
    const chunks: AsyncIterable<Buffer> = !inHandle
      ? ((options.stdio?.stdin ?? process.stdin) as AsyncIterable<Buffer>)
      : isFile
        ? fileChunks(inHandle)
        : inHandle.createReadStream({ autoClose: false, highWaterMark: readChunk });
    await processSequentially(chunks, processor, out, collect);
  } finally {
    processor.dispose();
    await inHandle?.close();
  }
}

/**
 * Runs an age stream processor from `input` (a path, or stdin) to `output`: a
 * file written through one handle to a temp name and renamed only after the
 * whole stream succeeded (so a failed or killed run never leaves a partial
 * plaintext behind), or stdout.
 *
 * The output is a copy of an input that stays where it is, so it is not
 * fsynced, as `age` and `cp` do not fsync theirs: on a VM here,
 * fdatasyncs as the output grew cost 0.16-0.30 s per GiB of writeback work on
 * our own threads (kernel time that `age` leaves to the kernel's flusher
 * after it exits), up to a fifth of a whole encryption. circle's own state is
 * always fsynced (home/atomic.ts). Whoever deletes the input right after can
 * run `sync` first.
 */
export async function processFile(input: AgeInput, processor: AgeStreamProcessor, output: string | undefined, options: ProcessFileOptions = {}): Promise<void> {
  const { mode = 0o600, collect } = options;
  if (collect && (await mayBeLarge(input))) raiseMallocTrimThreshold();
  if (isStdio(output)) {
    if (!isStdio(input)) await checkInputPath(input, 'Input file');
    const source = isStdio(input) ? ((options.stdio?.stdin ?? process.stdin) as Readable) : createReadStream(input, { highWaterMark: readChunk });
    await pipeline(source, processorTransform(processor, 4 * readChunk), (options.stdio?.stdout ?? process.stdout) as Writable, { end: false });
    return;
  }
  if (!isStdio(input)) await checkInputPath(input, 'Input file');
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode).catch((error: unknown) => {
    throw outputFileError(output, error) ?? error;
  });
  try {
    await processInto(input, processor, handle, options);
    await handle.close();
    await rename(tmp, output);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw errnoCode(error) === 'EISDIR' ? (outputFileError(output, error) ?? error) : error;
  }
}
