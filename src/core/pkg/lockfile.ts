import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CircleError } from '../errors.js';
import { writeFileAtomic } from '../home/atomic.js';
import { packageNameProblem } from './manifest.js';

/**
 * `.circle/pkg-lock.json`: the resolved tree, shaped like npm's package-lock v3
 * `packages` map (location → version, resolved, integrity), plus the keyid that
 * signed each version. A lockfile comes from the repository, so it is validated
 * on read and its locations are checked to stay under node_modules.
 */
export const LOCKFILE = path.join('.circle', 'pkg-lock.json');

const entrySchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  resolved: z.string(),
  integrity: z.string(),
  keyid: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
});
export type LockEntry = z.infer<typeof entrySchema>;

const lockSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  registry: z.string(),
  requires: z.record(z.string(), z.string()),
  packages: z.record(z.string(), entrySchema),
});
export type PkgLock = z.infer<typeof lockSchema>;

const LOCATION = /^node_modules\/((@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)(\/node_modules\/(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)*$/;

/** A lock entry installed from a tarball file (`file:dir/x.tgz`), not from a registry (`file:///…` is a registry URL). */
export function isLocalTarball(resolved: string): boolean {
  return /^file:(?!\/\/)/.test(resolved);
}

export function checkLocation(location: string, name: string): void {
  if (!LOCATION.test(location) || !location.endsWith(`node_modules/${name}`) || packageNameProblem(name) !== undefined) {
    throw new CircleError('INTEGRITY', `The lockfile has an invalid location ${JSON.stringify(location.slice(0, 200))}`);
  }
}

export async function readLockfile(projectDir: string): Promise<PkgLock | undefined> {
  const file = path.join(projectDir, LOCKFILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CircleError('INTEGRITY', `${LOCKFILE} is not valid JSON`, { hint: 'Restore it from version control, or delete it to resolve afresh.' });
  }
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CircleError('INTEGRITY', `${LOCKFILE} is malformed${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`, { hint: 'Restore it from version control, or delete it to resolve afresh.' });
  }
  for (const [location, entry] of Object.entries(parsed.data.packages)) checkLocation(location, entry.name);
  return parsed.data;
}

export function serializeLockfile(lock: PkgLock): string {
  const packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const requires = Object.fromEntries(Object.entries(lock.requires).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ ...lock, requires, packages }, null, 2)}\n`;
}

export async function writeLockfile(projectDir: string, lock: PkgLock): Promise<void> {
  const file = path.join(projectDir, LOCKFILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, serializeLockfile(lock), { mode: 0o644 });
}
