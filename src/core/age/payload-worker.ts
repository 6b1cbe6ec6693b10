/**
 * The chunk work of payload-pool.ts: seal or open whole batches of STREAM
 * chunks, reading the input and writing the output at positions computed
 * from the chunk numbers, so threads share no data and need no ordering
 * between them. The main thread and a worker thread run the same code.
 *
 * SELF-CONTAINED: the pool starts the worker from these functions' source
 * text (`Function.prototype.toString`), so their bodies may use only their
 * parameters and globals: no imports, no names from this module, nothing a
 * compiler could hoist out of them. That keeps the worker independent of where
 * the compiled files live (a bundled build has no separate worker file to
 * point at) and lets the tests run it straight from the TypeScript sources.
 */

/** What the pool hands every thread once the payload key is known. */
export interface PayloadJob {
  direction: 'seal' | 'open';
  payloadKey: Uint8Array;
  inputFd: number;
  /** Where the payload starts in the input and in the output. */
  inputOffset: number;
  outputOffset: number;
  /** Payload bytes of the input (as the input's size said when the job was planned). */
  inputSize: number;
  chunkCount: number;
  /** Chunks per batch: the unit a thread claims, reads and writes in one go. */
  batchChunks: number;
  outputFd: number;
  /**
   * Int32 [next batch to claim, stop flag, batches written, write lock].
   * Batches are claimed in increasing order, so when a chunk fails, every
   * batch before it was already claimed and is finished: the pool can report
   * the first failure in file order.
   */
  control: SharedArrayBuffer;
  /** Output bytes between two calls of `collect` (see `youngGenerationCollector`); 0: never. */
  collectEvery: number;
}

/** How a thread's share of the work ended. */
export type PayloadOutcome =
  | { type: 'done' }
  | {
      type: 'failed';
      /** Index of the chunk that failed (the first of its batch for I/O errors). */
      chunk: number;
      reason: 'auth' | 'empty-final' | 'short-read' | 'io';
      /** For 'io': the error, so the pool can rethrow it as the sequential path would. */
      error?: { message: string; code?: string; errno?: number; syscall?: string };
    };

export interface PayloadModules {
  crypto: typeof import('node:crypto');
  fs: typeof import('node:fs');
}

export interface PayloadHooks {
  collect?: () => void;
}

/**
 * What `payloadBatches` yields: 'batch' after each batch; 'blocked' when its
 * output must be written before it may go on and another thread is writing.
 * Either way the caller may wait (on `control[writeLockIndex]` when blocked)
 * and then asks for the next step.
 */
export type PayloadStep = 'batch' | 'blocked';

/**
 * The write lock's index in `PayloadJob.control` (the functions of this
 * module spell it 3: see SELF-CONTAINED above).
 */
export const writeLockIndex = 3;

/**
 * Claims, processes and writes batches of `job` until none is left or some
 * thread failed (see `PayloadStep` for what it yields).
 */
export function* payloadBatches(modules: PayloadModules, job: PayloadJob, hooks: PayloadHooks): Generator<PayloadStep, PayloadOutcome> {
  const { createCipheriv, createDecipheriv } = modules.crypto;
  const { readSync, writevSync } = modules.fs;
  const chunk = 64 * 1024;
  const tag = 16;
  const seal = job.direction === 'seal';
  const inChunk = seal ? chunk : chunk + tag;
  const outChunk = seal ? chunk + tag : chunk;
  const control = new Int32Array(job.control);
  const key = job.payloadKey;
  const pageSize = 4096;
  /**
   * Input is read at the same offset within a page as its position in the
   * file. The kernel copies from the page cache with `rep movsb`, which on
   * the AMD EPYC machines we run on is about 6 times slower when the
   * destination sits 8 to 24 bytes past the source's offset in its page
   * (measured: 1 MiB preads of a cached file, 31 ms against 185 ms per
   * 256 MiB). glibc serves a large `Buffer` from mmap at 16 bytes into a
   * page, right there: the main thread's reads cost 3 times the worker's. A
   * WebAssembly memory starts on a page boundary, so the offset is ours to
   * choose; with no such memory (address-space limits) reads just go to a
   * plain buffer.
   */
  const scratchSize = inChunk * job.batchChunks + pageSize;
  let scratch: Buffer;
  try {
    const pages = Math.ceil(scratchSize / 65536);
    // (Not in the TypeScript libraries this project compiles with, hence the shape spelt out.)
    const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => { buffer: ArrayBuffer } } }).WebAssembly;
    scratch = Buffer.from(new Memory({ initial: pages, maximum: pages }).buffer);
  } catch {
    scratch = Buffer.allocUnsafe(scratchSize);
  }
  const nonce = Buffer.alloc(12);
  let failure: PayloadOutcome | undefined;
  const fail = (outcome: PayloadOutcome) => {
    failure = outcome;
    Atomics.store(control, 1, 1);
  };

  /**
   * Writes `pieces` at `position` in calls of about `writeSize` bytes. Linux
   * sizes the page-cache folios it allocates for a write after the write's
   * length and alignment, and larger folios cost more kernel time on our
   * test VM (ext4, Linux 6.18). Decrypting 1 GiB (aligned writes), median
   * of 8 interleaved runs: 1.96 s with 1 MiB writes, 1.54-1.67 s with
   * 256 KiB, 1.13-1.17 s with 128 KiB, no better with 64 KiB. Encryption's
   * writes are not aligned, and its times did not change.
   */
  const writeAt = (pieces: Buffer[], position: number) => {
    const writeSize = 128 * 1024;
    let group: Buffer[] = [];
    let size = 0;
    let at = position;
    for (const piece of pieces) {
      group.push(piece);
      size += piece.length;
      if (size < writeSize) continue;
      writeAllAt(group, at);
      at += size;
      group = [];
      size = 0;
    }
    if (group.length > 0) writeAllAt(group, at);
  };
  /** Writes `pieces` at `position`, retrying short writes. */
  const writeAllAt = (pieces: Buffer[], position: number) => {
    let rest = pieces;
    let at = position;
    while (rest.length > 0) {
      const total = rest.reduce((n, b) => n + b.length, 0);
      const written = writevSync(job.outputFd, rest, at);
      if (written === total) return;
      if (written <= 0) throw new Error('write made no progress');
      at += written;
      let skip = written;
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
  };

  /** A chunk failed to open: nothing of its batch is written, not even the chunks that did open. */
  const failed = (index: number, reason: 'auth' | 'empty-final', plaintexts: Buffer[]) => {
    for (const piece of plaintexts) piece.fill(0);
    fail({ type: 'failed', chunk: index, reason });
    return undefined;
  };

  interface ProcessedBatch {
    pieces: Buffer[];
    /** Where the pieces go in the output. */
    position: number;
    bytes: number;
  }

  /** Reads and seals or opens the batch starting at chunk `first`; undefined after `fail`. */
  const processBatch = (first: number): ProcessedBatch | undefined => {
    const count = Math.min(job.batchChunks, job.chunkCount - first);
    const start = first * inChunk;
    const want = Math.min(job.inputSize - start, count * inChunk);
    const inPage = (job.inputOffset + start) % pageSize;
    const input = scratch.subarray(inPage, inPage + want);
    let got = 0;
    while (got < want) {
      const n = readSync(job.inputFd, input, got, want - got, job.inputOffset + start + got);
      if (n === 0) break;
      got += n;
    }
    if (got < want) {
      fail({ type: 'failed', chunk: first, reason: 'short-read' });
      return undefined;
    }
    const pieces: Buffer[] = [];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const index = first + i;
      const last = index === job.chunkCount - 1;
      const data = input.subarray(i * inChunk, Math.min(want, (i + 1) * inChunk));
      // The STREAM nonce: an 11-byte big-endian counter (2^53 chunks is far beyond any file) and the last flag.
      nonce.writeUInt32BE(Math.floor(index / 0x1_0000_0000), 3);
      nonce.writeUInt32BE(index >>> 0, 7);
      nonce[11] = last ? 1 : 0;
      if (seal) {
        const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: tag });
        const sealed = cipher.update(data);
        cipher.final();
        pieces.push(sealed, cipher.getAuthTag());
        bytes += sealed.length + tag;
        continue;
      }
      if (data.length < tag) return failed(index, 'auth', pieces);
      const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: tag });
      decipher.setAuthTag(data.subarray(data.length - tag));
      const plain = decipher.update(data.subarray(0, data.length - tag));
      try {
        decipher.final();
      } catch {
        plain.fill(0);
        return failed(index, 'auth', pieces);
      }
      // Only an empty file may end in an empty chunk.
      if (last && plain.length === 0 && index > 0) return failed(index, 'empty-final', pieces);
      pieces.push(plain);
      bytes += plain.length;
    }
    return { pieces, position: job.outputOffset + first * outChunk, bytes };
  };

  /**
   * Batches processed and not written yet. The kernel serialises writes to a
   * file on its inode lock, and a thread that finds it taken spins there
   * (4% of the CPU samples) instead of sealing its next batch. So a thread
   * writes only when it gets the write lock at once; else it keeps its batch
   * and goes on, up to `maxPending` batches (a few MiB per thread).
   */
  const pending: ProcessedBatch[] = [];
  const maxPending = 2;
  /** First chunk of the batch being read or written (for an I/O error). */
  let busyWith = 0;
  /** Writes the pending batches if no other thread is writing; false if one is. */
  const tryWrite = (): boolean => {
    if (Atomics.compareExchange(control, 3, 0, 1) !== 0) return false;
    try {
      for (const batch of pending) {
        busyWith = (batch.position - job.outputOffset) / outChunk;
        writeAt(batch.pieces, batch.position);
      }
    } finally {
      Atomics.store(control, 3, 0);
      Atomics.notify(control, 3);
    }
    Atomics.add(control, 2, pending.length);
    pending.length = 0;
    return true;
  };
  const stopped = () => failure !== undefined || Atomics.load(control, 1) !== 0;

  let sinceCollect = 0;
  try {
    while (!stopped()) {
      const first = Atomics.add(control, 0, 1) * job.batchChunks;
      if (first >= job.chunkCount) break;
      busyWith = first;
      const batch = processBatch(first);
      if (!batch) break;
      pending.push(batch);
      if (!tryWrite()) {
        while (pending.length >= maxPending && !stopped() && !tryWrite()) yield 'blocked';
      }
      // After the batch: the chunk buffers of the written ones are garbage now.
      sinceCollect += batch.bytes;
      if (hooks.collect && job.collectEvery > 0 && sinceCollect >= job.collectEvery) {
        sinceCollect = 0;
        hooks.collect();
      }
      yield 'batch';
    }
    while (pending.length > 0 && !stopped() && !tryWrite()) yield 'blocked';
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    fail({ type: 'failed', chunk: busyWith, reason: 'io', error: { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall } });
  } finally {
    // Plaintext: the input when sealing, batches left unwritten after a failure when opening.
    scratch.fill(0);
    for (const batch of pending) for (const piece of batch.pieces) piece.fill(0);
  }
  return failure ?? { type: 'done' };
}

/** The worker thread: one job, run to the end, then the thread exits by itself. */
export function payloadWorkerMain(require: NodeJS.Require, batches: typeof payloadBatches): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  parentPort!.once('message', (job: PayloadJob) => {
    const modules = { crypto: require('node:crypto') as typeof import('node:crypto'), fs: require('node:fs') as typeof import('node:fs') };
    let collect: (() => void) | undefined;
    if (job.collectEvery > 0) {
      // `gc` exposed process-wide (youngGenerationCollector) shows in a new context; else there is none.
      const vm = require('node:vm') as typeof import('node:vm');
      const gc = vm.runInNewContext('typeof gc === "function" ? gc : undefined') as ((options: { type: 'minor' }) => void) | undefined;
      if (typeof gc === 'function') collect = () => gc({ type: 'minor' });
    }
    const run = batches(modules, job, { collect });
    const control = new Int32Array(job.control);
    let step: IteratorResult<PayloadStep, PayloadOutcome>;
    try {
      do {
        step = run.next();
        // Until the thread that holds the write lock (Int32 3 of control) releases it; bounded, so a stop is seen.
        if (step.value === 'blocked') Atomics.wait(control, 3, 1, 20);
      } while (!step.done);
    } finally {
      // This thread's copy of the key (the main thread's is the processor's, which `dispose` wipes).
      job.payloadKey.fill(0);
    }
    parentPort!.postMessage(step.value);
  });
}
