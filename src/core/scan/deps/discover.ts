import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { lockfileKindOf } from './parsers/index.js';
import type { LockfileKind } from './types.js';

/** Directories that hold installed or vendored code, not the project's own lockfiles. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', 'bower_components', '.venv', 'venv', '__pycache__', '.yarn', '.pnpm-store', '.tox']);

export interface DiscoveredLockfile {
  /** Absolute path. */
  file: string;
  kind: LockfileKind;
}

/**
 * Finds lockfiles under `root`, depth first in name order (stable output),
 * without following symlinks. Where npm-shrinkwrap.json and package-lock.json
 * sit together npm uses the shrinkwrap, so do we.
 */
export async function discoverLockfiles(root: string, options: { onDirectory?: (dir: string) => void } = {}): Promise<DiscoveredLockfile[]> {
  const found: DiscoveredLockfile[] = [];
  const walk = async (dir: string): Promise<void> => {
    options.onDirectory?.(dir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable directory: nothing we can scan there
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    for (const e of entries) {
      if (!e.isFile()) continue;
      const kind = lockfileKindOf(e.name);
      if (!kind) continue;
      if (e.name === 'package-lock.json' && names.has('npm-shrinkwrap.json')) continue;
      found.push({ file: path.join(dir, e.name), kind });
    }
    for (const e of entries) if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) await walk(path.join(dir, e.name));
  };
  await walk(root);
  return found;
}
