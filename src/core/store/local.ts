import { createHash } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { CircleError, errnoCode } from '../errors.js';
import { readFileIfExists, syncDir, writeFileAtomic } from '../home/atomic.js';
import { withLock } from '../home/lock.js';
import { checkStoreKey } from './keys.js';
import type { StateChange, StateStore, StoredState, StoreUpdateOptions, StoreWriteOptions } from './types.js';

/** The etag of local bytes: their SHA-256, so equal content means equal version whatever wrote it. */
export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`;
}

/**
 * The state store on the local filesystem, rooted at a directory (the home, or a
 * project's root). Every write is atomic (temp file, fsync, rename, fsync dir)
 * and every conditional write or update holds the key's inter-process lock
 * (`<file>.lock`), so the compare and the swap cannot be split by another process.
 */
export class LocalStateStore implements StateStore {
  readonly location: string;

  constructor(root: string) {
    this.location = root;
  }

  pathOf(key: string): string {
    return join(this.location, ...checkStoreKey(key).split('/'));
  }

  async read(key: string): Promise<StoredState | undefined> {
    const bytes = await readFileIfExists(this.pathOf(key));
    return bytes === undefined ? undefined : { bytes, etag: etagOf(bytes) };
  }

  async put(key: string, bytes: string | Uint8Array, options: StoreWriteOptions = {}): Promise<string> {
    const file = this.pathOf(key);
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    if (options.ifMatch === undefined && options.ifNoneMatch === undefined) {
      await writeFileAtomic(file, data, mode(options));
      return etagOf(data);
    }
    return withLock(file, async () => {
      const current = await this.read(key);
      checkPrecondition(key, current, options);
      await writeFileAtomic(file, data, mode(options));
      return etagOf(data);
    });
  }

  createOnly(key: string, bytes: string | Uint8Array, options: Pick<StoreWriteOptions, 'mode'> = {}): Promise<string> {
    return this.put(key, bytes, { ...options, ifNoneMatch: '*' });
  }

  async update<R>(key: string, change: (current: StoredState | undefined) => Promise<StateChange<R>> | StateChange<R>, options: StoreUpdateOptions = {}): Promise<R> {
    const file = this.pathOf(key);
    // Under the lock nobody else writes, so the compare-and-swap a shared backend needs always succeeds here.
    return withLock(
      file,
      async () => {
        const current = await this.read(key);
        const next = await change(current);
        if (next.bytes !== undefined) await writeFileAtomic(file, typeof next.bytes === 'string' ? Buffer.from(next.bytes, 'utf8') : next.bytes, mode(options));
        return next.result;
      },
      options.waitMs === undefined ? {} : { timeoutMs: options.waitMs },
    );
  }

  async list(prefix: string): Promise<string[]> {
    const base = prefix === '' ? this.location : this.pathOf(prefix.replace(/\/$/, ''));
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return;
        throw error;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        // Temp files and lock files are the store's own machinery, not state.
        else if (entry.isFile() && !entry.name.endsWith('.lock') && !entry.name.endsWith('.tmp')) keys.push(relative(this.location, path).split(sep).join('/'));
      }
    };
    await walk(base);
    return keys.sort();
  }

  async delete(key: string, options: Pick<StoreWriteOptions, 'ifMatch'> = {}): Promise<boolean> {
    const file = this.pathOf(key);
    const remove = async (): Promise<boolean> => {
      if (options.ifMatch !== undefined) checkPrecondition(key, await this.read(key), options);
      try {
        await unlink(file);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return false;
        throw error;
      }
      await syncDir(dirname(file));
      return true;
    };
    return options.ifMatch === undefined ? remove() : withLock(file, remove);
  }
}

/**
 * The local store holding `file`, and its key there: how code that still
 * addresses state by path (most of core, today) writes through the store.
 */
export function localStateFile(file: string): { store: LocalStateStore; key: string } {
  return { store: new LocalStateStore(dirname(file)), key: basename(file) };
}

function mode(options: Pick<StoreWriteOptions, 'mode'>): { mode?: number } {
  return options.mode === undefined ? {} : { mode: options.mode };
}

function checkPrecondition(key: string, current: StoredState | undefined, options: StoreWriteOptions): void {
  if (options.ifNoneMatch === '*' && current) {
    throw new CircleError('ALREADY_EXISTS', `${key} already exists`, { details: { key } });
  }
  if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
    throw new CircleError('CONFLICT', `${key} was changed by someone else`, { hint: 'Read it again and retry.', details: { key } });
  }
}
