import * as crypto from 'node:crypto';
import { createCipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, truncateSync, appendFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { processFile, type ProcessFileOptions } from '../../../src/core/age/file.js';
import { createDecryptor, createEncryptor, generateX25519KeyPair, X25519Identity, X25519Recipient, type AgeStreamProcessor } from '../../../src/core/age/index.js';
import { PayloadPool } from '../../../src/core/age/payload-pool.js';
import { payloadBatches, type PayloadJob } from '../../../src/core/age/payload-worker.js';
import { hasAge, run } from './helpers.js';

const pair = generateX25519KeyPair();
const recipient = new X25519Recipient(pair.recipient);
const identity = new X25519Identity(pair.identity);
const dir = mkdtempSync(join(tmpdir(), 'circle-age-parallel-'));
const p = (f: string) => join(dir, f);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Payload workers for any size (the default threshold is tens of MiB). */
const parallel: ProcessFileOptions = { workers: 1, parallelThreshold: 0, collect: () => undefined };
const sequential: ProcessFileOptions = { workers: 0 };
const chunk = 65536;
const sealed = chunk + 16;
/** Chunks per batch in payload-pool.ts. */
const batch = 16;

async function outcome(work: Promise<void>): Promise<{ code: string; exitCode: number; message: string } | 'ok'> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    const { code, exitCode, message } = error as { code: string; exitCode: number; message: string };
    return { code, exitCode, message };
  }
}

/**
 * `processor` from `input` into `output` through a pool whose worker does
 * every batch, so the worker's code runs whatever the timing (in processFile
 * the main thread may finish a small file before the worker has booted).
 */
async function throughWorker(input: string, processor: AgeStreamProcessor, output: string): Promise<void> {
  const from = await open(input, 'r');
  const to = await open(output, 'w');
  const pool = new PayloadPool(1, { mainThread: false });
  try {
    const handOff = await processor.handOff!(async (position, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await from.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    });
    if (!handOff) throw new Error('not handed off');
    await to.write(handOff.prefix, 0, handOff.prefix.length, 0);
    await pool.run(handOff, { inputFd: from.fd, inputFileSize: (await from.stat()).size, outputFd: to.fd, collectEvery: 0 });
  } finally {
    await pool.close();
    processor.dispose();
    await from.close();
    await to.close();
  }
}

const headerEnd = (ct: Buffer) => ct.indexOf('\n', ct.indexOf('\n---') + 1) + 1;

describe('processFile with payload workers', () => {
  it('round-trips with the sequential path both ways, at chunk and batch boundaries', async () => {
    for (const size of [0, 1, chunk, chunk + 1, batch * chunk, batch * chunk + 1, 2 * batch * chunk - 1, 37 * chunk + 12_345]) {
      const data = randomBytes(size);
      writeFileSync(p('in'), data);
      const enc = await createEncryptor([recipient]);
      const handOff = vi.spyOn(enc, 'handOff');
      await processFile(p('in'), enc, p('par.age'), parallel);
      expect(await handOff.mock.results[0]!.value).toBeDefined();
      // Same size as the sequential encryption, and the sequential decryptor opens it.
      await processFile(p('in'), await createEncryptor([recipient]), p('seq.age'), sequential);
      expect(readFileSync(p('par.age')).length).toBe(readFileSync(p('seq.age')).length);
      await processFile(p('par.age'), createDecryptor([identity]), p('out1'), sequential);
      expect(readFileSync(p('out1')).equals(data), `size ${size}`).toBe(true);
      const dec = createDecryptor([identity]);
      const decHandOff = vi.spyOn(dec, 'handOff');
      await processFile(p('seq.age'), dec, p('out2'), parallel);
      expect(await decHandOff.mock.results[0]!.value).toBeDefined();
      expect(readFileSync(p('out2')).equals(data), `size ${size}`).toBe(true);
      // And with every batch in the worker thread.
      await throughWorker(p('in'), await createEncryptor([recipient]), p('worker.age'));
      await throughWorker(p('worker.age'), createDecryptor([identity]), p('out3'));
      expect(readFileSync(p('out3')).equals(data), `size ${size}`).toBe(true);
      await processFile(p('worker.age'), createDecryptor([identity]), p('out4'), sequential);
      expect(readFileSync(p('out4')).equals(data), `size ${size}`).toBe(true);
    }
  });

  it.skipIf(!hasAge)('interoperates with Debian age both ways', async () => {
    const data = randomBytes(3 * batch * chunk + 777);
    writeFileSync(p('big'), data);
    await processFile(p('big'), await createEncryptor([recipient]), p('big.age'), parallel);
    writeFileSync(p('id.txt'), `${pair.identity}\n`);
    expect(run('age', ['-d', '-i', p('id.txt'), p('big.age')]).equals(data)).toBe(true);
    run('age', ['-r', pair.recipient, '-o', p('big.age2'), p('big')]);
    await processFile(p('big.age2'), createDecryptor([identity]), p('big.out'), parallel);
    expect(readFileSync(p('big.out')).equals(data)).toBe(true);
  });

  it('leaves armored files to the sequential path', async () => {
    const data = randomBytes(3 * chunk);
    writeFileSync(p('in'), data);
    const enc = await createEncryptor([recipient], { armor: true });
    const encHandOff = vi.spyOn(enc, 'handOff');
    await processFile(p('in'), enc, p('a.age'), parallel);
    expect(await encHandOff.mock.results[0]!.value).toBeUndefined();
    expect(readFileSync(p('a.age'), 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    const dec = createDecryptor([identity]);
    const handOff = vi.spyOn(dec, 'handOff');
    await processFile(p('a.age'), dec, p('a.out'), parallel);
    expect(await handOff.mock.results[0]!.value).toBeUndefined();
    expect(readFileSync(p('a.out')).equals(data)).toBe(true);
  });

  describe('damaged files fail as they do sequentially, leaving nothing behind', () => {
    const data = randomBytes(3 * batch * chunk + 100);
    let ct: Buffer;
    let start: number;
    const piece = (i: number) => ct.subarray(start + i * sealed, start + (i + 1) * sealed);
    const cases: [string, () => Buffer][] = [
      ['a flipped bit in the first chunk', () => flip(ct, start + 5)],
      ['a flipped bit in a middle batch', () => flip(ct, start + 20 * sealed + 7)],
      ['a flipped bit in the last tag', () => flip(ct, ct.length - 1)],
      ['truncation at a chunk boundary', () => ct.subarray(0, start + 32 * sealed)],
      ['truncation inside the last tag', () => ct.subarray(0, ct.length - 110)],
      ['truncation to the header', () => ct.subarray(0, start)],
      ['two chunks swapped', () => Buffer.concat([ct.subarray(0, start), piece(1), piece(0), ct.subarray(start + 2 * sealed)])],
      ['a dropped chunk', () => Buffer.concat([ct.subarray(0, start + 17 * sealed), ct.subarray(start + 18 * sealed)])],
      ['trailing data', () => Buffer.concat([ct, Buffer.from([0])])],
      ['a second payload appended', () => Buffer.concat([ct, ct.subarray(start)])],
      ['a damaged header MAC', () => flip(ct, start - 20)],
    ];
    for (const [name, damage] of cases) {
      it(name, async () => {
        if (!ct) {
          writeFileSync(p('d'), data);
          await processFile(p('d'), await createEncryptor([recipient]), p('d.age'), sequential);
          ct = readFileSync(p('d.age'));
          start = headerEnd(ct) + 16;
        }
        writeFileSync(p('bad.age'), damage());
        const seq = await outcome(processFile(p('bad.age'), createDecryptor([identity]), p('bad.seq'), sequential));
        const par = await outcome(processFile(p('bad.age'), createDecryptor([identity]), p('bad.par'), parallel));
        const worker = await outcome(throughWorker(p('bad.age'), createDecryptor([identity]), p('bad.worker')));
        expect(seq).not.toBe('ok');
        expect(par).toEqual(seq);
        expect(worker).toEqual(seq);
        expect(existsSync(p('bad.par'))).toBe(false);
        expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      });
    }

    it('an empty final chunk after full ones', async () => {
      // Crafted with the payload key: a full chunk, then an authentic but empty last chunk.
      const enc = await createEncryptor([recipient]);
      const handOff = (await enc.handOff!(async () => Buffer.alloc(0)))!;
      const seal = (plaintext: Buffer, counter: number, last: boolean) => {
        const nonce = Buffer.alloc(12);
        nonce.writeUInt32BE(counter, 7);
        nonce[11] = last ? 1 : 0;
        const cipher = createCipheriv('chacha20-poly1305', handOff.payloadKey, nonce, { authTagLength: 16 });
        return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      };
      writeFileSync(p('empty-last.age'), Buffer.concat([handOff.prefix, seal(randomBytes(chunk), 0, false), seal(Buffer.alloc(0), 1, true)]));
      enc.dispose();
      const seq = await outcome(processFile(p('empty-last.age'), createDecryptor([identity]), p('e.seq'), sequential));
      const par = await outcome(processFile(p('empty-last.age'), createDecryptor([identity]), p('e.par'), parallel));
      const worker = await outcome(throughWorker(p('empty-last.age'), createDecryptor([identity]), p('e.worker')));
      expect(seq).toMatchObject({ exitCode: 5, message: 'Malformed age file: final chunk is empty' });
      expect(par).toEqual(seq);
      expect(worker).toEqual(seq);
    });
  });

  describe('an input that changes size while it is read', () => {
    /** A processor whose hand-off runs `change` once the size was planned and before any chunk is read. */
    async function changing(change: () => void): Promise<AgeStreamProcessor> {
      const enc = await createEncryptor([recipient]);
      const handOff = enc.handOff!.bind(enc);
      enc.handOff = async (read) => {
        change();
        return handOff(read);
      };
      return enc;
    }
    it('refuses a file that grew (exit 6), leaving nothing behind', async () => {
      writeFileSync(p('grow'), randomBytes(3 * chunk));
      const r = await outcome(processFile(p('grow'), await changing(() => appendFileSync(p('grow'), 'more')), p('grow.age'), parallel));
      expect(r).toMatchObject({ code: 'CONFLICT', exitCode: 6 });
      expect(existsSync(p('grow.age'))).toBe(false);
    });
    it('refuses a file that shrank', async () => {
      writeFileSync(p('shrink'), randomBytes(3 * batch * chunk));
      const r = await outcome(processFile(p('shrink'), await changing(() => truncateSync(p('shrink'), chunk)), p('shrink.age'), parallel));
      expect(r).toMatchObject({ code: 'CONFLICT', exitCode: 6 });
      expect(existsSync(p('shrink.age'))).toBe(false);
    });
  });
});

describe('PayloadPool', () => {
  it('opening a payload shorter than planned is a truncated file', async () => {
    const data = randomBytes(2 * batch * chunk);
    writeFileSync(p('pool.in'), data);
    await processFile(p('pool.in'), await createEncryptor([recipient]), p('pool.age'), sequential);
    const dec = createDecryptor([identity]);
    const inputFd = openSync(p('pool.age'), 'r');
    const outputFd = openSync(p('pool.out'), 'w');
    const pool = new PayloadPool(1, { mainThread: false });
    try {
      const handOff = (await dec.handOff!(async (position, length) => readFileSync(p('pool.age')).subarray(position, position + length)))!;
      const planned = readFileSync(p('pool.age')).length + sealed;
      await expect(pool.run(handOff, { inputFd, inputFileSize: planned, outputFd, collectEvery: 0 })).rejects.toMatchObject({ code: 'INTEGRITY', exitCode: 5 });
    } finally {
      await pool.close();
      dec.dispose();
      closeSync(inputFd);
      closeSync(outputFd);
    }
  });
});

describe('payloadBatches and the write lock', () => {
  it('goes on sealing while another thread writes, holds at most two batches, and writes them all once the lock is free', () => {
    const data = randomBytes(4 * batch * chunk + 100);
    writeFileSync(p('lock.in'), data);
    const key = randomBytes(32);
    const control = new SharedArrayBuffer(16);
    const lock = new Int32Array(control);
    const inputFd = openSync(p('lock.in'), 'r');
    const outputFd = openSync(p('lock.out'), 'w');
    const job: PayloadJob = {
      direction: 'seal',
      payloadKey: key,
      inputFd,
      inputOffset: 0,
      outputOffset: 0,
      inputSize: data.length,
      chunkCount: Math.ceil(data.length / chunk),
      batchChunks: batch,
      outputFd,
      control,
      collectEvery: 0,
    };
    try {
      Atomics.store(lock, 3, 1); // another thread is writing
      const run = payloadBatches({ crypto, fs }, job, {});
      const steps = [run.next().value, run.next().value, run.next().value, run.next().value];
      expect(steps).toEqual(['batch', 'blocked', 'blocked', 'blocked']);
      expect(Atomics.load(lock, 0)).toBe(2); // two batches claimed and sealed, none written
      expect(fs.fstatSync(outputFd).size).toBe(0);
      Atomics.store(lock, 3, 0);
      let step = run.next();
      while (!step.done) step = run.next();
      expect(step.value).toEqual({ type: 'done' });
      expect(Atomics.load(lock, 2)).toBe(5); // every batch written
      expect(Atomics.load(lock, 3)).toBe(0); // and the lock left free
    } finally {
      closeSync(inputFd);
      closeSync(outputFd);
    }
    // The same bytes as the sequential STREAM: chunk i sealed under nonce i, the last one flagged.
    const out = readFileSync(p('lock.out'));
    for (let i = 0; i < job.chunkCount; i++) {
      const nonce = Buffer.alloc(12);
      nonce.writeUInt32BE(i, 7);
      nonce[11] = i === job.chunkCount - 1 ? 1 : 0;
      const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      const expected = Buffer.concat([cipher.update(data.subarray(i * chunk, (i + 1) * chunk)), (cipher.final(), cipher.getAuthTag())]);
      expect(out.subarray(i * sealed, i * sealed + expected.length).equals(expected)).toBe(true);
    }
    expect(out.length).toBe(data.length + 16 * job.chunkCount);
  });
});

describe('PayloadPool, when a worker dies', () => {
  it('fails instead of waiting for it', async () => {
    writeFileSync(p('dies.in'), randomBytes(4 * batch * chunk));
    const enc = await createEncryptor([recipient]);
    const inputFd = openSync(p('dies.in'), 'r');
    const outputFd = openSync(p('dies.out'), 'w');
    const pool = new PayloadPool(1, { mainThread: false });
    try {
      await pool.close(); // the worker is gone before it gets the job
      const handOff = (await enc.handOff!(async () => Buffer.alloc(0)))!;
      await expect(pool.run(handOff, { inputFd, inputFileSize: 4 * batch * chunk, outputFd, collectEvery: 0 })).rejects.toThrow(/payload worker exited/);
    } finally {
      enc.dispose();
      closeSync(inputFd);
      closeSync(outputFd);
    }
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at]! ^= 0x04;
  return copy;
}
