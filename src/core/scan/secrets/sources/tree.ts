import { opendir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignoreFactory, { type Ignore } from 'ignore';

export interface TreeWalkOptions {
  /** Honour `.gitignore` files (root and nested); default true. */
  gitignore?: boolean;
  /** gitignore-style patterns, relative to the root, never walked. */
  excludes?: string[];
}

interface Scope {
  /** Directory of the .gitignore, relative to the root, with a trailing '/' ('' for the root). */
  base: string;
  rules: Ignore;
}

const makeIgnore = ignoreFactory as unknown as () => Ignore;

/** Directories no one wants scanned: VCS metadata. Everything else is up to .gitignore. */
const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn']);

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function ignoredBy(scopes: Scope[], rel: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    if (!rel.startsWith(scope.base)) continue;
    const sub = rel.slice(scope.base.length);
    if (sub.length === 0) continue;
    if (scope.rules.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

/**
 * Yields the root-relative (posix) paths of regular files under `root`, depth first,
 * skipping ignored directories without descending into them. Symlinks are not
 * followed: a link can point outside the tree or make a cycle.
 */
export async function* walkTree(root: string, options: TreeWalkOptions = {}): AsyncGenerator<string> {
  const useGitignore = options.gitignore ?? true;
  const scopes: Scope[] = [];
  if ((options.excludes ?? []).length > 0) scopes.push({ base: '', rules: makeIgnore().add(options.excludes ?? []) });
  yield* walkDir(root, root, scopes, useGitignore);
}

async function* walkDir(root: string, dir: string, scopes: Scope[], useGitignore: boolean): AsyncGenerator<string> {
  const relDir = toPosix(relative(root, dir));
  const base = relDir === '' ? '' : `${relDir}/`;
  let local = scopes;
  if (useGitignore) {
    const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => undefined);
    if (text !== undefined) local = [...scopes, { base, rules: makeIgnore().add(text) }];
  }
  let handle;
  try {
    handle = await opendir(dir, { bufferSize: 128 });
  } catch {
    return;
  }
  const subdirs: string[] = [];
  for await (const entry of handle) {
    const rel = `${base}${entry.name}`;
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      if (ignoredBy(local, rel, true)) continue;
      subdirs.push(entry.name);
    } else if (entry.isFile()) {
      if (ignoredBy(local, rel, false)) continue;
      yield rel;
    }
  }
  for (const name of subdirs) yield* walkDir(root, join(dir, name), local, useGitignore);
}
