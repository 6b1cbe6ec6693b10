import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { errnoCode } from '../errors.js';
import { outputFileError } from '../files/user-paths.js';
import { isPosix } from './paths.js';

export interface AtomicWriteOptions {
  /** File mode of the new file; state is private by default. */
  mode?: number;
}

/**
 * Replaces `file` so that a reader, or a crash at any instant, sees either the
 * whole old content or the whole new one: write a temp file beside it, fsync it,
 * rename it over the target, then fsync the directory so the rename is durable.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', options.mode ?? 0o600).catch((error: unknown) => {
    throw outputFileError(file, error) ?? error;
  });
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw errnoCode(error) === 'EISDIR' ? outputFileError(file, error)! : error;
  }
  await syncDir(dirname(file));
}

/** fsync a directory so a rename or create inside it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  // Windows cannot open directories for fsync; NTFS journals the rename itself.
  if (!isPosix) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file's bytes, or undefined when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
