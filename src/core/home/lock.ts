import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { closeSync, fstatSync, futimesSync, openSync, statSync, unlinkSync, writeSync, type BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircleError, errnoCode } from '../errors.js';

export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;
/** A holder refreshes its lock's mtime this often; a lock untouched for STALE_AFTER_MS is abandoned. */
const REFRESH_EVERY_MS = 2_000;
const STALE_AFTER_MS = 30_000;

export interface LockOptions {
  /** How long to wait for another process before failing with LOCK_TIMEOUT (exit 6). */
  timeoutMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  since: string;
}

export interface LockInfo extends LockOwner {
  path: string;
  ageMs: number;
  stale: boolean;
}

/** The lock file that guards `file`. */
export function lockPathFor(file: string): string {
  return `${file}.lock`;
}

/**
 * Runs `fn` while holding an inter-process lock on `file` (a `<file>.lock` created
 * with O_EXCL). Every read-modify-write of shared state goes through here, so
 * concurrent `circle` processes serialize instead of losing each other's writes.
 * A lock left by a crashed process (dead pid on this host, or not refreshed for
 * 30 s) is broken; waiting longer than the timeout fails with exit code 6.
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(lockPathFor(file), options.timeoutMs ?? effectiveTimeout());
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/**
 * Per-invocation lock settings, carried by async context instead of a module
 * global: a `Circle` runs its work inside `runWithLockScope`, so two requests in
 * one long-lived process each wait as long as their own configuration says.
 */
export interface LockScope {
  /** The configured wait, once known (the `lock.timeoutMs` setting); undefined falls back to the environment. */
  readonly timeoutMs: number | undefined;
}

const lockScopes = new AsyncLocalStorage<LockScope>();

/** Runs `fn` (and everything it awaits) with `scope`'s lock timeout. */
export function runWithLockScope<T>(scope: LockScope, fn: () => T): T {
  return lockScopes.run(scope, fn);
}

/** Explicit option, else the current scope's setting, else CIRCLE_LOCK_TIMEOUT_MS, else 15 s. */
function effectiveTimeout(): number {
  const scoped = lockScopes.getStore()?.timeoutMs;
  if (scoped !== undefined) return scoped;
  const raw = process.env.CIRCLE_LOCK_TIMEOUT_MS;
  const parsed = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : DEFAULT_LOCK_TIMEOUT_MS;
}

interface HeldLock {
  release(): Promise<void>;
}

async function acquireLock(path: string, timeoutMs: number): Promise<HeldLock> {
  const owner: LockOwner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    const fd = await tryCreate(path, owner);
    if (fd !== undefined) return holdLock(path, fd);
    const info = await readLockInfo(path);
    if (info?.stale && (await breakStaleLock(path, info))) continue;
    if (Date.now() >= deadline) {
      throw new CircleError('LOCK_TIMEOUT', `Timed out after ${timeoutMs} ms waiting for another circle process (lock ${path})`, {
        hint: info ? `Held by pid ${info.pid} on ${info.host} since ${info.since}; retry when it finishes, or run \`circle doctor\`.` : 'Retry in a moment.',
        details: { lock: path },
      });
    }
    await sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}

/**
 * Creating and releasing a lock are a few syscalls on a tiny local file, done
 * synchronously: each async fs call is a thread-pool round trip (~0.1 ms) that
 * costs far more than the syscall, and every writer waiting on the lock pays it.
 * The new lock's descriptor stays open while it is held (see `holdLock`).
 */
async function tryCreate(path: string, owner: LockOwner): Promise<number | undefined> {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

function holdLock(path: string, fd: number): HeldLock {
  const refresh = setInterval(() => {
    // Through the descriptor: refreshes this holder's own lock file, never one that replaced it.
    const now = new Date();
    try {
      futimesSync(fd, now, now);
    } catch {
      // The next tick tries again; a lock left unrefreshed for long is broken as stale.
    }
  }, REFRESH_EVERY_MS);
  refresh.unref();
  return {
    async release() {
      clearInterval(refresh);
      // Only remove the lock if it is still ours: a lock broken as stale may have a new owner.
      // The open descriptor keeps our file's inode in use, so no other file can have its number:
      // the same device and inode at the path means the same file, without reading it back.
      let ours = false;
      try {
        ours = isSameFile(fstatSync(fd, { bigint: true }), statSync(path, { bigint: true, throwIfNoEntry: false }));
      } catch {
        // Cannot tell: leave the lock; once this process is gone it is broken as stale.
      } finally {
        closeSync(fd);
      }
      if (ours) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone (broken as stale by another process): nothing to release.
        }
      }
    },
  };
}

function isSameFile(a: BigIntStats, b: BigIntStats | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'nonce' in parsed && 'pid' in parsed) return parsed as LockOwner;
    return undefined;
  } catch {
    return undefined;
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return parseOwner(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Who holds the lock at `path`, and whether the holder is gone; undefined when unlocked. */
export async function readLockInfo(path: string): Promise<LockInfo | undefined> {
  let mtimeMs: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      // Not a lock any process of ours made, and not one to break: someone put it there.
      throw new CircleError('CONFLICT', `The lock path ${path} is a ${info.isDirectory() ? 'directory' : 'special file'}, not a lock file`, {
        hint: 'No circle process made it; remove it once you know what it is, then retry.',
        details: { lock: path },
      });
    }
    mtimeMs = info.mtimeMs;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  const owner = await readOwner(path);
  const ageMs = Date.now() - mtimeMs;
  if (!owner) {
    // Created but not yet written, or a torn write by a killed process: judge by age alone.
    return { path, pid: 0, host: '?', nonce: '', since: new Date(mtimeMs).toISOString(), ageMs, stale: ageMs > STALE_AFTER_MS };
  }
  const deadHere = owner.host === hostname() && !isProcessAlive(owner.pid);
  return { ...owner, path, ageMs, stale: deadHere || ageMs > STALE_AFTER_MS };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** A breaker that crashed between taking `<lock>.break` and removing it leaves it behind this long at most. */
const BREAKER_STALE_AFTER_MS = 5_000;

/**
 * Removes the lock at `path` if it is still the stale lock that `stale` describes;
 * true when it did.
 *
 * The check and the removal must not be separated by another process's work: a
 * waiter can read the owner of a lock whose holder then releases it and exits,
 * find that pid dead, and by then a fresh lock stands at the path. So breakers
 * first take `<lock>.break` (one at a time) and, holding it, read the lock again
 * and remove it only if it is the same one. Nothing else can replace a lock whose
 * owner is gone, so it cannot change between that read and the unlink.
 */
export async function breakStaleLock(path: string, stale: LockInfo): Promise<boolean> {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
    // Another breaker is at work: the caller waits and looks again. One that died is cleared.
    const age = Date.now() - (statSync(breaker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BREAKER_STALE_AFTER_MS) unlinkIfPresent(breaker);
    return false;
  }
  try {
    const now = await readLockInfo(path);
    const same = now !== undefined && now.stale && (stale.nonce === '' ? now.nonce === '' && now.since === stale.since : now.nonce === stale.nonce);
    if (same) unlinkIfPresent(path);
    return same;
  } finally {
    closeSync(fd);
    unlinkIfPresent(breaker);
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}
