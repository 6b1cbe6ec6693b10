import { mkdir, stat, chmod } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { CircleError, errnoCode } from '../errors.js';

export const APP_DIR_NAME = 'circle-core';

export interface HomeLocation {
  /** Absolute path of the state directory. */
  dir: string;
  /** Where the choice came from, for `doctor` and error hints. */
  source: 'flag' | 'env' | 'default';
}

/**
 * The state directory: `--home` beats `CIRCLE_HOME` beats the platform's config
 * directory (XDG on Linux, Application Support on macOS, %APPDATA% on Windows).
 */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): HomeLocation {
  if (flag) return { dir: resolve(flag), source: 'flag' };
  if (env.CIRCLE_HOME) return { dir: resolve(env.CIRCLE_HOME), source: 'env' };
  return { dir: platformConfigDir(env), source: 'default' };
}

function platformConfigDir(env: NodeJS.ProcessEnv): string {
  const home = homedir();
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_DIR_NAME);
    default:
      return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME);
  }
}

/**
 * Cache for rebuildable data (advisory index and the like): `CIRCLE_CACHE_DIR`,
 * else `<home>/cache` when the home was chosen explicitly (keeps test and CI homes
 * self-contained), else the platform cache directory.
 */
export function resolveCacheDir(home: HomeLocation, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CIRCLE_CACHE_DIR) return resolve(env.CIRCLE_CACHE_DIR);
  if (home.source !== 'default') return join(home.dir, 'cache');
  const h = homedir();
  switch (platform()) {
    case 'win32':
      return join(env.LOCALAPPDATA ?? join(h, 'AppData', 'Local'), APP_DIR_NAME, 'Cache');
    case 'darwin':
      return join(h, 'Library', 'Caches', APP_DIR_NAME);
    default:
      return join(env.XDG_CACHE_HOME || join(h, '.cache'), APP_DIR_NAME);
  }
}

export const isPosix = platform() !== 'win32';

export interface DirCheck {
  exists: boolean;
  mode?: number;
  /** Other users could write here: we refuse to use it. */
  writableByOthers: boolean;
  /** Readable by group or others: allowed, but doctor reports it. */
  readableByOthers: boolean;
  ownedByCurrentUser: boolean;
}

export async function inspectDir(dir: string): Promise<DirCheck> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) {
      throw new CircleError('HOME_UNSAFE', `${dir} is not a directory`, { hint: 'Point CIRCLE_HOME or --home at a directory.' });
    }
    const mode = s.mode & 0o777;
    return {
      exists: true,
      mode,
      writableByOthers: isPosix && (mode & 0o022) !== 0,
      readableByOthers: isPosix && (mode & 0o077) !== 0,
      ownedByCurrentUser: !isPosix || typeof process.getuid !== 'function' || s.uid === process.getuid(),
    };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { exists: false, writableByOthers: false, readableByOthers: false, ownedByCurrentUser: true };
    throw error;
  }
}

/**
 * Creates the home with mode 0700 if missing; refuses one that other users can
 * write to or that belongs to someone else, since they could plant or swap state.
 */
export async function ensureHome(dir: string): Promise<void> {
  const check = await inspectDir(dir);
  if (!check.exists) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (isPosix) await chmod(dir, 0o700);
    return;
  }
  assertSafeDir(dir, check);
}

export function assertSafeDir(dir: string, check: DirCheck): void {
  if (check.writableByOthers) {
    throw new CircleError('HOME_UNSAFE', `Refusing to use ${dir}: other users can write to it (mode ${formatMode(check.mode)})`, {
      hint: `Run: chmod 700 '${dir}'`,
      details: { path: dir, mode: formatMode(check.mode) },
    });
  }
  if (!check.ownedByCurrentUser) {
    throw new CircleError('HOME_UNSAFE', `Refusing to use ${dir}: it belongs to another user`, {
      hint: 'Use a home of your own with --home or CIRCLE_HOME.',
      details: { path: dir },
    });
  }
}

export function formatMode(mode: number | undefined): string {
  return mode === undefined ? '?' : `0${mode.toString(8).padStart(3, '0')}`;
}

/** Creates a private subdirectory (0700) of the home, such as `locks/` or `cache/`. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}
