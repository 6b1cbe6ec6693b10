import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isCircleError } from './errors.js';
import { readFileIfExists } from './home/atomic.js';
import { parseDocument } from './home/document.js';
import { readLockInfo } from './home/lock.js';
import { formatMode, inspectDir, isPosix, type HomeLocation } from './home/paths.js';
import { knownStateFiles } from './state-files.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  id: string;
  status: CheckStatus;
  message: string;
  /** How to fix it, when it is not ok. */
  hint?: string;
}

export interface DoctorReport {
  ok: boolean;
  version: string;
  node: string;
  platform: string;
  home: { dir: string; source: HomeLocation['source'] };
  checks: DoctorCheck[];
}

const MIN_NODE_MAJOR = 20;

/** Health of the installation and the home: what `circle doctor` prints. Reads only; changes nothing. */
export async function runDoctor(home: HomeLocation, version: string, now: Date = new Date()): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [checkNode(), checkClock(now), await checkHomeDir(home.dir)];
  const files = await listFiles(home.dir);
  checks.push(...(await checkFileModes(home.dir, files)));
  checks.push(...(await checkStateFiles(home.dir)));
  checks.push(...(await checkLocks(home.dir, files)));
  return {
    ok: checks.every((c) => c.status !== 'fail'),
    version,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    home: { dir: home.dir, source: home.source },
    checks,
  };
}

function checkNode(): DoctorCheck {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE_MAJOR
    ? { id: 'node', status: 'ok', message: `Node.js ${process.versions.node}` }
    : { id: 'node', status: 'fail', message: `Node.js ${process.versions.node} is too old`, hint: `Install Node.js ${MIN_NODE_MAJOR} or newer.` };
}

/** TOTP, session expiry and license dates all trust the clock; a clock before this release was built is wrong. */
function checkClock(now: Date): DoctorCheck {
  const earliest = Date.UTC(2026, 0, 1);
  return now.getTime() >= earliest
    ? { id: 'clock', status: 'ok', message: `System clock ${now.toISOString()}` }
    : { id: 'clock', status: 'fail', message: `System clock reads ${now.toISOString()}, before this release existed`, hint: 'Synchronise the clock (for example with NTP): TOTP codes and expiry checks depend on it.' };
}

async function checkHomeDir(dir: string): Promise<DoctorCheck> {
  const check = await inspectDir(dir);
  if (!check.exists) return { id: 'home', status: 'warn', message: `Home ${dir} does not exist yet`, hint: 'It is created on first use (for example by `circle init`).' };
  if (check.writableByOthers || check.readableByOthers) {
    return { id: 'home', status: 'fail', message: `Home ${dir} is open to other users (mode ${formatMode(check.mode)})`, hint: `Run: chmod 700 '${dir}'` };
  }
  if (!check.ownedByCurrentUser) return { id: 'home', status: 'fail', message: `Home ${dir} belongs to another user`, hint: 'Use your own home with --home or CIRCLE_HOME.' };
  return { id: 'home', status: 'ok', message: `Home ${dir} (mode ${formatMode(check.mode)})` };
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

async function checkFileModes(homeDir: string, files: string[]): Promise<DoctorCheck[]> {
  if (!isPosix) return [];
  const open: string[] = [];
  for (const file of files) {
    if (relative(homeDir, file).startsWith('cache')) continue;
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) open.push(`${relative(homeDir, file)} (${formatMode(mode)})`);
  }
  if (open.length === 0) return [{ id: 'file-modes', status: 'ok', message: `${files.length} file(s) readable only by you` }];
  return [{ id: 'file-modes', status: 'fail', message: `Readable by other users: ${open.join(', ')}`, hint: `Run: chmod 600 on each, or \`chmod -R go-rwx '${homeDir}'\`` }];
}

async function checkStateFiles(homeDir: string): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const { path, kind } of knownStateFiles) {
    for (const file of await expandStatePath(homeDir, path)) {
      const bytes = await readFileIfExists(join(homeDir, file));
      if (bytes === undefined) continue;
      try {
        const loaded = parseDocument(kind, join(homeDir, file), bytes);
        const migrated = loaded.storedVersion < kind.version ? ` (will be migrated from v${loaded.storedVersion} on next write)` : '';
        checks.push({ id: `state:${file}`, status: 'ok', message: `${file}: ${kind.format} v${kind.version}${migrated}` });
      } catch (error) {
        if (!isCircleError(error)) throw error;
        checks.push({ id: `state:${file}`, status: 'fail', message: error.message, hint: error.hint ?? 'Restore the file from a backup.' });
      }
    }
  }
  if (checks.length === 0) checks.push({ id: 'state', status: 'ok', message: 'No state files yet' });
  return checks;
}

/** `sessions/*.json` → the matching files that exist, relative to the home. */
async function expandStatePath(homeDir: string, path: string): Promise<string[]> {
  const star = path.lastIndexOf('*');
  if (star < 0) return [path];
  const dir = path.slice(0, path.lastIndexOf('/', star) + 1);
  const [before, after] = path.slice(dir.length).split('*') as [string, string];
  try {
    const names = await readdir(join(homeDir, dir));
    return names.filter((n) => n.startsWith(before) && n.endsWith(after)).sort().map((n) => `${dir}${n}`);
  } catch {
    return [];
  }
}

async function checkLocks(homeDir: string, files: string[]): Promise<DoctorCheck[]> {
  const stale: string[] = [];
  let held = 0;
  for (const file of files.filter((f) => f.endsWith('.lock'))) {
    const info = await readLockInfo(file);
    if (!info) continue;
    if (info.stale) stale.push(`${relative(homeDir, file)} (pid ${info.pid || '?'}, ${Math.round(info.ageMs / 1000)} s old)`);
    else held++;
  }
  if (stale.length > 0) {
    return [{ id: 'locks', status: 'warn', message: `Stale lock(s) left by a crashed process: ${stale.join(', ')}`, hint: 'They are broken automatically on the next write; nothing to do unless writes time out.' }];
  }
  return [{ id: 'locks', status: 'ok', message: held > 0 ? `${held} lock(s) held by running circle processes` : 'No locks held' }];
}
