import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CircleError } from '../errors.js';
import { malformed } from './base64.js';
import { payloadBatches, payloadWorkerMain, writeLockIndex, type PayloadHooks, type PayloadJob, type PayloadOutcome } from './payload-worker.js';
import { chunkSize, sealedChunkSize, truncated, type PayloadHandOff } from './stream.js';

/**
 * Chunks a thread claims at a time (1 MiB of plaintext): large enough that
 * claiming and reading cost little per chunk, small enough that the threads
 * stay busy to the end and each holds only a few MiB.
 */
const batchChunks = 16;

/** What the payload is read from and written to (see `PayloadPool.run`). */
export interface PayloadFiles {
  inputFd: number;
  /** Size of the whole input file when the work was planned. */
  inputFileSize: number;
  outputFd: number;
  /**
   * The main thread's collector (see `youngGenerationCollector`); when given,
   * every thread collects its garbage each `collectEvery` bytes of output.
   */
  collect?: () => void;
  collectEvery: number;
}

/**
 * The main thread and a few worker threads sealing or opening the chunks of
 * one age payload in parallel, each reading and writing its own batches at
 * their positions. Workers start booting when the pool is created, so that
 * overlaps with reading the header; `run` hands them the key.
 */
export class PayloadPool {
  private readonly workers: PoolWorker[];

  /**
   * `mainThread: false` leaves every batch to the workers (if any could be
   * started), for a caller that wants its event loop entirely free.
   */
  constructor(
    workers: number,
    private readonly options: { mainThread?: boolean } = {},
  ) {
    const source = `(${payloadWorkerMain.toString()})(require, ${payloadBatches.toString()})`;
    this.workers = [];
    for (let i = 0; i < workers; i++) {
      let thread: Worker;
      try {
        thread = new Worker(source, { eval: true });
      } catch {
        // No thread to spare (resource limits): the main thread does the work, and the result is the same.
        continue;
      }
      // Listened to from the start: a worker may die while the header is still being read.
      const worker: PoolWorker = { thread, exited: new Promise((resolve) => thread.once('exit', resolve)) };
      thread.on('error', (error) => (worker.error ??= error));
      this.workers.push(worker);
    }
  }

  /**
   * Processes the payload described by `handOff` from `files.inputFd` into
   * `files.outputFd` (after the prefix, which the caller writes). Fails with
   * the error the sequential processor would have raised first in file order.
   */
  async run(handOff: PayloadHandOff, files: PayloadFiles): Promise<void> {
    const inputSize = files.inputFileSize - handOff.inputOffset;
    const seal = handOff.direction === 'seal';
    // An empty plaintext is one empty chunk; an empty payload cannot even hold a tag.
    if (!seal && inputSize === 0) throw truncated();
    const control = new SharedArrayBuffer((writeLockIndex + 1) * Int32Array.BYTES_PER_ELEMENT);
    const job: PayloadJob = {
      direction: handOff.direction,
      payloadKey: handOff.payloadKey,
      inputFd: files.inputFd,
      inputOffset: handOff.inputOffset,
      inputSize,
      chunkCount: Math.max(1, Math.ceil(inputSize / (seal ? chunkSize : sealedChunkSize))),
      batchChunks,
      outputFd: files.outputFd,
      outputOffset: handOff.prefix.length,
      control,
      collectEvery: files.collect ? files.collectEvery : 0,
    };
    const workers = this.workers.map((worker) => runWorker(worker, job));
    const mainThread = this.options.mainThread !== false || this.workers.length === 0;
    const here = mainThread ? await runHere(job, { collect: files.collect }) : ({ type: 'done' } as const);
    if (here.type === 'done' && Atomics.load(new Int32Array(control), 2) === Math.ceil(job.chunkCount / batchChunks)) {
      // Every batch is written: a worker still booting has nothing left to do, so it is not waited for.
      for (const worker of workers) worker.abandon();
      await this.close();
      return;
    }
    const outcomes = await Promise.allSettled(workers.map((worker) => worker.outcome));
    const failures: Extract<PayloadOutcome, { type: 'failed' }>[] = here.type === 'failed' ? [here] : [];
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value.type === 'failed') failures.push(outcome.value);
    }
    if (failures.length === 0) return;
    const first = failures.reduce((a, b) => (b.chunk < a.chunk ? b : a));
    throw failureError(first, handOff.direction);
  }

  /** Stops workers still running (after a failure, or when the payload was not handed over). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.thread.terminate()));
  }
}

/**
 * The main thread's share: a batch at a time, back to the event loop in
 * between. When blocked on the write lock it waits for it at most 20 ms at a
 * time, and returns to the event loop between waits, so it still hears of a
 * worker that died. (Polling the event loop alone filled V8's young
 * generation with promises: 20-40 MB more peak memory when decrypting 1 GiB.)
 */
async function runHere(job: PayloadJob, hooks: PayloadHooks): Promise<PayloadOutcome> {
  const run = payloadBatches({ crypto, fs }, job, hooks);
  const control = new Int32Array(job.control);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    if (step.value === 'blocked') Atomics.wait(control, writeLockIndex, 1, 20);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface PoolWorker {
  thread: Worker;
  /** Settles with the exit code once the thread is gone. */
  exited: Promise<number>;
  /** What killed it, if something did. */
  error?: Error;
}

/**
 * The worker's outcome, which rejects if it died without one (a bug, or out
 * of memory); `abandon` settles it as done before the worker is terminated.
 */
function runWorker(worker: PoolWorker, job: PayloadJob): { outcome: Promise<PayloadOutcome>; abandon(): void } {
  let abandon = () => undefined as void;
  const outcome = new Promise<PayloadOutcome>((resolve, reject) => {
    let finished = false;
    const settle = (result: PayloadOutcome | Error) => {
      if (finished) return;
      finished = true;
      if (result instanceof Error) {
        // The other threads stop after their current batch; the pool reports this error.
        Atomics.store(new Int32Array(job.control), 1, 1);
        reject(result);
      } else resolve(result);
    };
    abandon = () => settle({ type: 'done' });
    worker.thread.once('message', (message: PayloadOutcome) => settle(message));
    void worker.exited.then((code) => settle(worker.error ?? new Error(`payload worker exited (code ${code}) before finishing`)));
    worker.thread.postMessage(job);
  });
  return { outcome, abandon };
}

function failureError(failure: Extract<PayloadOutcome, { type: 'failed' }>, direction: PayloadHandOff['direction']): Error {
  switch (failure.reason) {
    case 'auth':
      return truncated();
    case 'empty-final':
      return malformed('final chunk is empty');
    case 'short-read':
      return inputChanged(direction);
    case 'io': {
      // Rebuilt as the fs error the sequential path would have thrown (ENOSPC, EIO, …).
      const { message, ...fields } = failure.error ?? { message: 'I/O error in a payload worker' };
      return Object.assign(new Error(message), fields);
    }
  }
}

/**
 * The input file got shorter or longer while its chunks were being read out
 * of order. For an age file that is a modified payload, as the sequential
 * reader would have found; plaintext being written to is refused rather than
 * sealed as a mix of old and new bytes.
 */
export function inputChanged(direction: PayloadHandOff['direction']): CircleError {
  if (direction === 'open') return truncated();
  return new CircleError('CONFLICT', 'The input file changed size while it was being encrypted', {
    hint: 'Encrypt a file nothing is writing to, or pipe it in through stdin.',
  });
}
