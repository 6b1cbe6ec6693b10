import { existsSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCircleError } from '../../../src/core/errors.js';
import { breakStaleLock, lockPathFor, readLockInfo, withLock } from '../../../src/core/home/lock.js';
import { tempDir } from '../../helpers/cli.js';

describe('withLock', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const file = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return join(t.dir, 'state.json');
  };

  it('serializes critical sections and removes the lock afterwards', async () => {
    const f = file();
    const order: string[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        withLock(f, async () => {
          order.push(`in${n}`);
          await new Promise((r) => setTimeout(r, 10));
          order.push(`out${n}`);
        }),
      ),
    );
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]!.replace('in', 'out'));
    expect(existsSync(lockPathFor(f))).toBe(false);
  });

  it('releases the lock when the critical section throws', async () => {
    const f = file();
    await expect(withLock(f, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockPathFor(f))).toBe(false);
  });

  it('fails with exit code 6 when a live process holds the lock past the timeout', async () => {
    const f = file();
    writeFileSync(lockPathFor(f), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), nonce: 'other', since: new Date().toISOString() }));
    const error = await withLock(f, async () => 'never', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(isCircleError(error) && error.code).toBe('LOCK_TIMEOUT');
    expect(isCircleError(error) && error.exitCode).toBe(6);
  });

  it('does not remove a lock that another process took over while it was held', async () => {
    const f = file();
    const lock = lockPathFor(f);
    const newOwner = JSON.stringify({ pid: process.pid, host: 'elsewhere', nonce: 'new-owner', since: new Date().toISOString() });
    await withLock(f, async () => {
      // What breaking this lock as stale looks like from here: ours is moved away, a new owner's appears.
      renameSync(lock, `${lock}.aside`);
      writeFileSync(lock, newOwner);
      unlinkSync(`${lock}.aside`);
    });
    expect(readFileSync(lock, 'utf8')).toBe(newOwner);
  });

  it('keeps its own lock fresh while held, so it is not broken as stale', async () => {
    const f = file();
    const lock = lockPathFor(f);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      await withLock(f, async () => {
        const before = statSync(lock).mtimeMs;
        vi.advanceTimersByTime(60_000);
        expect(statSync(lock).mtimeMs).toBeGreaterThan(before + 50_000);
        expect((await readLockInfo(lock))?.stale).toBe(false);
      });
    } finally {
      vi.useRealTimers();
    }
    expect(existsSync(lock)).toBe(false);
  });

  it('breaks a lock left by a dead process', async () => {
    const f = file();
    // pid 2^22+1 is above Linux's pid_max default, so no live process has it.
    writeFileSync(lockPathFor(f), JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), nonce: 'dead', since: new Date().toISOString() }));
    expect((await readLockInfo(lockPathFor(f)))?.stale).toBe(true);
    expect(await withLock(f, async () => 'ran', { timeoutMs: 1000 })).toBe('ran');
    expect(existsSync(lockPathFor(f))).toBe(false);
  });
});

describe('breakStaleLock', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const lockFile = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return lockPathFor(join(t.dir, 'state.json'));
  };
  const deadOwner = async (nonce: string) =>
    JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), nonce, since: new Date().toISOString() });

  it('leaves alone a fresh lock that replaced the stale one it was asked to break', async () => {
    const path = lockFile();
    writeFileSync(path, await deadOwner('first'));
    const stale = (await readLockInfo(path))!;
    expect(stale.stale).toBe(true);
    // Between the waiter's look and its break, the stale lock went and a live process took a new one.
    unlinkSync(path);
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), nonce: 'fresh', since: new Date().toISOString() }));
    const before = statSync(path, { bigint: true });
    await new Promise((r) => setTimeout(r, 20)); // past the clock tick, so a rename or link would show in ctime
    expect(await breakStaleLock(path, stale)).toBe(false);
    const after = statSync(path, { bigint: true });
    expect(after.ino).toBe(before.ino);
    expect(after.ctimeNs).toBe(before.ctimeNs);
    expect(JSON.parse(readFileSync(path, 'utf8')).nonce).toBe('fresh');
  });

  it('breaks the stale lock it was asked to, and clears a breaker that died midway', async () => {
    const path = lockFile();
    writeFileSync(path, await deadOwner('dead'));
    const stale = (await readLockInfo(path))!;
    writeFileSync(`${path}.break`, '');
    expect(await breakStaleLock(path, stale)).toBe(false); // another breaker seems at work
    expect(existsSync(path)).toBe(true);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.break`, old, old);
    expect(await breakStaleLock(path, stale)).toBe(false); // clears the dead breaker's file
    expect(existsSync(`${path}.break`)).toBe(false);
    expect(await breakStaleLock(path, stale)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});
