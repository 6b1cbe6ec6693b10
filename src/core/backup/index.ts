import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { z } from 'zod';
import { createDecryptStream, createEncryptStream, type AgeIdentity, type AgeRecipient } from '../age/index.js';
import { CircleError, errnoCode } from '../errors.js';
import { withLock } from '../home/lock.js';
import type { ObjectStore } from '../storage/types.js';
import { tarStream, type ArchiveFile } from './archive.js';
import type { BackupChange, BackupCreateResult, BackupInfo, BackupListResult, BackupManifest, BackupPruneResult, BackupRestoreResult, BackupVerifyResult } from './types.js';
import type { Authorizer } from '../authz/authorizer.js';

export type * from './types.js';

export const BACKUP_PREFIX = 'backups/';
const ROOT = 'circle-home';
const MANIFEST = 'circle-backup.json';
const KEY_PATTERN = /^backups\/circle-(\d{8}T\d{6}Z-[0-9a-f]{6})\.tar\.age$/;
/** Never in a backup: the default object store (it holds the backups), sessions, caches, lock and temp files. */
const SKIPPED_TOP = new Set(['storage', 'sessions', 'cache']);

const manifestSchema = z.strictObject({
  format: z.literal('circle-backup/1'),
  id: z.string(),
  createdAt: z.string(),
  files: z.array(z.strictObject({ path: z.string(), size: z.number().int().min(0), mode: z.number().int() })),
  includesScanDb: z.boolean(),
});

export function backupKey(id: string): string {
  return `${BACKUP_PREFIX}circle-${id}.tar.age`;
}

function newBackupId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * The locks that guard the home's state (the vault, auth state, config, each
 * personal secrets file, the audit log), taken in one fixed order — state files
 * first, the audit log last, as every writer in circle takes them — so a backup
 * sees a consistent home and cannot deadlock with a writer.
 */
async function withHomeLocks<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const targets = ['vault.json', 'auth-state.json', 'config.json', join('audit', 'public-keys.json')].map((p) => join(home, p));
  for (const name of await readdir(join(home, 'secrets')).catch(() => [] as string[])) {
    if (name.endsWith('.json')) targets.push(join(home, 'secrets', name));
  }
  const ordered = [...targets.sort()];
  if (await exists(join(home, 'audit'))) ordered.push(join(home, 'audit', 'log'));
  const present: string[] = [];
  for (const target of ordered) if (await exists(dirname(target))) present.push(target);
  const run = (i: number): Promise<T> => (i === present.length ? fn() : withLock(present[i] as string, () => run(i + 1)));
  return run(0);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function skipped(name: string): boolean {
  return name.endsWith('.lock') || name.endsWith('.break') || name.endsWith('.tmp');
}

/** Every directory and regular file of the home that belongs in a backup. */
async function collectHome(home: string, includeScanDb: boolean): Promise<{ dirs: string[]; files: ArchiveFile[] }> {
  const dirs: string[] = [];
  const files: ArchiveFile[] = [];
  async function walk(dir: string, top: boolean): Promise<void> {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      if (skipped(name)) continue;
      if (top && SKIPPED_TOP.has(name) && !(name === 'cache' && includeScanDb)) continue;
      const path = join(dir, name);
      const info = await lstat(path);
      const rel = relative(home, path).split(sep).join('/');
      if (info.isDirectory()) {
        dirs.push(`${ROOT}/${rel}`);
        await walk(path, false);
      } else if (info.isFile()) {
        files.push({ path: `${ROOT}/${rel}`, source: path, size: info.size, mode: info.mode & 0o777 });
      }
      // Symlinks, sockets and the like are never circle state: left out.
    }
  }
  await walk(home, true);
  return { dirs: [ROOT, ...dirs], files };
}

export interface CreateBackupOptions {
  home: string;
  /** Who asks: needs `backup.create`. */
  authorizer?: Authorizer;
  store: ObjectStore;
  recipients: AgeRecipient[];
  includeScanDb?: boolean;
  now?: Date;
}

/**
 * Writes a consistent snapshot of the home (taken under its locks) as an
 * age-encrypted tar to `backups/circle-<id>.tar.age`, streamed: a create-only
 * put, so nothing half-written is ever visible. `age -d | tar x` restores it
 * without circle: the archive holds `circle-backup.json` and `circle-home/`.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupCreateResult> {
  await options.authorizer?.require('backup.create');
  if (options.recipients.length === 0) throw new CircleError('INPUT_REQUIRED', 'A backup needs at least one recipient or a passphrase', { hint: 'Pass -r age1… or --passphrase.' });
  if (!(await exists(join(options.home, 'vault.json')))) {
    throw new CircleError('NOT_FOUND', `No circle home to back up at ${options.home}`, { hint: 'Run `circle init` first, or pass --home.' });
  }
  const now = options.now ?? new Date();
  const id = newBackupId(now);
  const key = backupKey(id);
  const includeScanDb = Boolean(options.includeScanDb);
  return withHomeLocks(options.home, async () => {
    const { dirs, files } = await collectHome(options.home, includeScanDb);
    const manifest: BackupManifest = { format: 'circle-backup/1', id, createdAt: now.toISOString(), files: files.map(({ path, size, mode }) => ({ path, size, mode })), includesScanDb: includeScanDb };
    let bytes = 0;
    const tar = Readable.from(
      (async function* () {
        for await (const chunk of tarStream({ path: MANIFEST, content: Buffer.from(JSON.stringify(manifest, null, 2)) }, dirs, files, now)) {
          bytes += chunk.length;
          yield chunk;
        }
      })(),
    );
    const encrypt = await createEncryptStream(options.recipients);
    const piping = pipeline(tar, encrypt);
    piping.catch(() => undefined);
    try {
      const [info] = await Promise.all([
        options.store.put(key, encrypt, { ifNoneMatch: '*', contentType: 'application/octet-stream', metadata: { circle_backup: '1', created: manifest.createdAt } }),
        piping,
      ]);
      return { store: options.store.url, id, key, size: info.size, createdAt: manifest.createdAt, files: files.length, bytes, recipients: options.recipients.length };
    } catch (error) {
      tar.destroy();
      encrypt.destroy();
      throw error;
    }
  });
}

export async function listBackups(store: ObjectStore): Promise<BackupListResult> {
  const backups: BackupInfo[] = [];
  for await (const info of store.list(BACKUP_PREFIX)) {
    const m = KEY_PATTERN.exec(info.key);
    if (!m) continue;
    backups.push({ id: m[1] as string, key: info.key, size: info.size, createdAt: idToIso(m[1] as string) });
  }
  return { store: store.url, backups };
}

function idToIso(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : '';
}

/** The backup to use: the given id, else the newest. */
async function chooseBackup(store: ObjectStore, id: string | undefined): Promise<BackupInfo> {
  const { backups } = await listBackups(store);
  if (id !== undefined) {
    const found = backups.find((b) => b.id === id);
    if (!found) throw new CircleError('NOT_FOUND', `No backup ${JSON.stringify(id)} in ${store.url}`, { hint: 'List them with `circle backup list --store URL`.' });
    return found;
  }
  const newest = backups.at(-1);
  if (!newest) throw new CircleError('NOT_FOUND', `No backups in ${store.url}`);
  return newest;
}

type EntryHandler = (entry: ReadEntry, rel: string) => Promise<void> | void;

/**
 * Decrypts and walks a backup archive: the manifest first, then only
 * `circle-home/` directories and regular files whose paths stay inside it —
 * anything else (links, devices, `..`, absolute paths) is INTEGRITY (exit 5).
 * Every file must match the manifest, and the manifest must be complete.
 */
async function readBackup(store: ObjectStore, key: string, identities: AgeIdentity[], onFile: EntryHandler): Promise<{ manifest: BackupManifest; files: number; bytes: number }> {
  const { body } = await store.get(key);
  const decrypt = createDecryptStream(identities);
  let manifest: BackupManifest | undefined;
  const seen = new Set<string>();
  let bytes = 0;
  let failure: unknown;
  // Entries are handled one after another, in archive order: the manifest must be parsed before the files it lists.
  let chain: Promise<void> = Promise.resolve();
  const bad = (why: string) => new CircleError('INTEGRITY', `Backup ${key} is not a valid circle backup: ${why}`);
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const task = async () => {
        if (failure !== undefined) {
          entry.resume();
          return;
        }
        const path = entry.path;
        if (manifest === undefined) {
          if (path !== MANIFEST || entry.type !== 'File' || entry.size > 16 * 1024 * 1024) throw bad('it does not start with its manifest');
          const chunks: Buffer[] = [];
          for await (const chunk of entry) chunks.push(chunk as Buffer);
          try {
            manifest = manifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            throw bad('its manifest is malformed');
          }
          return;
        }
        const rel = safeRelative(path);
        if (rel === undefined) throw bad(`entry ${JSON.stringify(path.slice(0, 80))} is outside ${ROOT}/`);
        if (entry.type === 'Directory') {
          entry.resume();
          await onFile(entry, rel);
          return;
        }
        if (entry.type !== 'File') throw bad(`entry ${JSON.stringify(path.slice(0, 80))} is a ${entry.type}, not a file`);
        const listed = manifest.files.find((f) => f.path === path);
        if (!listed || listed.size !== entry.size || seen.has(path)) throw bad(`${path} does not match the manifest`);
        seen.add(path);
        bytes += entry.size;
        await onFile(entry, rel);
      };
      chain = chain.then(task).catch((error: unknown) => {
        failure ??= error;
        entry.resume();
      });
    },
  });
  parser.on('warn', (code: string, message: string) => {
    failure ??= bad(`${code}: ${message}`);
  });
  await pipeline(body, decrypt, parser as unknown as Writable);
  await chain;
  if (failure !== undefined) throw failure;
  if (manifest === undefined) throw bad('it is empty');
  const missing = manifest.files.filter((f) => !seen.has(f.path));
  if (missing.length > 0) throw bad(`${missing.length} file(s) listed in the manifest are missing`);
  return { manifest, files: seen.size, bytes };
}

function safeRelative(path: string): string | undefined {
  const clean = path.replace(/\/+$/, '');
  if (clean === ROOT) return '';
  if (!clean.startsWith(`${ROOT}/`)) return undefined;
  const rel = clean.slice(ROOT.length + 1);
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) return undefined;
  return rel;
}

/** Decrypts and checks a whole backup without writing anything: age authentication, archive shape, manifest. */
export async function verifyBackup(store: ObjectStore, id: string | undefined, identities: AgeIdentity[]): Promise<BackupVerifyResult> {
  const chosen = await chooseBackup(store, id);
  const { files, bytes } = await readBackup(store, chosen.key, identities, (entry) => {
    entry.resume();
  });
  return { store: store.url, id: chosen.id, ok: true, files, bytes };
}

export interface RestoreBackupOptions {
  home: string;
  /**
   * Who asks, when the home holds a vault: restoring over a live vault needs `backup.restore`.
   * Into an empty home whoever holds the backup's key may restore.
   */
  authorizer?: () => Promise<Authorizer>;
  store: ObjectStore;
  id?: string;
  identities: AgeIdentity[];
  /** Restore even when the backup's audit log is not a prefix of the current one. */
  force?: boolean;
  /** False: compute and return the plan only. */
  apply: boolean;
}

/**
 * Restores a backup into the home atomically: the archive is extracted and
 * checked beside the home, then the current home is renamed aside, the new one
 * renamed in, and the old one removed only once the new vault reads back. The
 * object store, caches and sessions of the current home are carried over.
 * A restore that would drop audit entries — the current log is not a prefix of
 * the backup's, as when restoring an older backup (going back in time) — is
 * refused with CONFLICT (exit 6) unless `force`.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<BackupRestoreResult> {
  const { home, store } = options;
  if (options.authorizer && (await exists(join(home, 'vault.json')))) await (await options.authorizer()).require('backup.restore');
  const chosen = await chooseBackup(store, options.id);
  const parent = dirname(home);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const staging = join(parent, `.${basename(home)}.restore-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    await readBackup(store, chosen.key, options.identities, async (entry, rel) => {
      const target = join(staging, rel);
      if (entry.type === 'Directory') {
        await mkdir(target, { recursive: true, mode: 0o700 });
        return;
      }
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await pipeline(entry, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    });
    const changes = await diffHomes(home, staging);
    // Restoring must not lose audit entries: the current log has to be a prefix of the backup's.
    const rollsBackAudit = !(await auditIsPrefix(join(home, 'audit', 'segments'), join(staging, 'audit', 'segments')));
    const result: BackupRestoreResult = { store: store.url, id: chosen.id, applied: false, changes, rollsBackAudit };
    if (rollsBackAudit && !options.force) {
      throw new CircleError('CONFLICT', `Backup ${chosen.id} is older than this home: restoring it would drop audit entries the current log has`, {
        hint: 'Restoring it would go back in time and drop audit entries. Pass --force to restore anyway.',
        details: { id: chosen.id },
      });
    }
    if (!options.apply) return result;
    await swapIn(home, staging);
    return { ...result, applied: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function swapIn(home: string, staging: string): Promise<void> {
  const hadHome = await exists(home);
  const aside = `${home}.old-${randomBytes(4).toString('hex')}`;
  if (hadHome) {
    // Carried over: the default object store (it may hold the very backup), caches and sessions.
    for (const name of SKIPPED_TOP) {
      const from = join(home, name);
      if ((await exists(from)) && !(await exists(join(staging, name)))) await rename(from, join(staging, name));
    }
    await rename(home, aside);
  }
  try {
    await rename(staging, home);
    const vault = JSON.parse(await readFile(join(home, 'vault.json'), 'utf8')) as unknown;
    if (typeof vault !== 'object' || vault === null) throw new Error('vault.json is not an object');
  } catch (error) {
    if (hadHome) {
      await rm(home, { recursive: true, force: true }).catch(() => undefined);
      await rename(aside, home);
    }
    throw new CircleError('INTEGRITY', 'The restored home did not open; the previous home was put back', { cause: error });
  }
  if (hadHome) await rm(aside, { recursive: true, force: true });
}

async function listFiles(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(dir: string, top: boolean): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      if (skipped(name) || (top && SKIPPED_TOP.has(name))) continue;
      const path = join(dir, name);
      const info = await lstat(path);
      if (info.isDirectory()) await walk(path, false);
      else if (info.isFile()) out.set(relative(root, path).split(sep).join('/'), path);
    }
  }
  await walk(root, true);
  return out;
}

async function diffHomes(current: string, restored: string): Promise<BackupChange[]> {
  const before = await listFiles(current);
  const after = await listFiles(restored);
  const changes: BackupChange[] = [];
  for (const [path, file] of after) {
    const old = before.get(path);
    if (old === undefined) changes.push({ path, change: 'added' });
    else if (!(await sameContent(old, file))) changes.push({ path, change: 'changed' });
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push({ path, change: 'removed' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([readFile(a), readFile(b)]);
  return ba.equals(bb);
}

/** True when every audit segment in `prefixDir` is a byte prefix of the same segment in `fullDir` (an empty log is a prefix of any). */
async function auditIsPrefix(prefixDir: string, fullDir: string): Promise<boolean> {
  const segments = (await readdir(prefixDir).catch(() => [] as string[])).sort();
  for (const name of segments) {
    const ours = join(prefixDir, name);
    const theirs = join(fullDir, name);
    const size = (await stat(ours)).size;
    let handle;
    try {
      handle = await open(theirs, 'r');
    } catch {
      return false;
    }
    try {
      if ((await handle.stat()).size < size) return false;
      const head = Buffer.alloc(size);
      await handle.read(head, 0, size, 0);
      if (!head.equals(await readFile(ours))) return false;
    } finally {
      await handle.close();
    }
  }
  return true;
}

/** Deletes all but the newest `keep` backups. */
export async function pruneBackups(store: ObjectStore, keep: number, authorizer?: Authorizer): Promise<BackupPruneResult> {
  await authorizer?.require('backup.create');
  if (!Number.isInteger(keep) || keep < 1) throw new CircleError('USAGE', '--keep must be at least 1');
  const { backups } = await listBackups(store);
  const doomed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const b of doomed) await store.delete(b.key);
  return { store: store.url, kept: backups.slice(doomed.length).map((b) => b.id), deleted: doomed.map((b) => b.id) };
}
