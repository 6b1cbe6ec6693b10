import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { syncDir } from '../home/atomic.js';

/** Large reads keep per-chunk overhead low; buffered data stays a few MiB whatever the file size. */
const readChunk = 1 << 20;

export function openInput(path: string | undefined): Readable {
  return path === undefined || path === '-' ? process.stdin : createReadStream(path, { highWaterMark: readChunk });
}

/**
 * Streams `input` through `transform` into `output`: a file written to a temp
 * name, fsynced and renamed only after the whole stream succeeded (so a failed
 * decryption never leaves a partial plaintext behind), or stdout.
 */
export async function streamThrough(input: Readable, transform: Transform, output: string | undefined, mode = 0o600): Promise<void> {
  if (output === undefined || output === '-') {
    await pipeline(input, transform, process.stdout as Writable, { end: false });
    return;
  }
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await pipeline(input, transform, createWriteStream('', { fd: handle.fd, autoClose: false, highWaterMark: readChunk }));
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
