import { basename } from 'node:path';
import type { LockfileInput, LockfileKind, Package, ParsedLockfile } from '../types.js';

type Parser = (input: LockfileInput) => ParsedLockfile;

/**
 * Each parser is loaded on first use: their libraries (yaml, @yarnpkg/parsers,
 * smol-toml, json5) are a large share of start-up, and most projects need one or two.
 */
export const PARSER_LOADERS: Record<LockfileKind, () => Promise<Parser>> = {
  'package-lock': async () => (await import('./npm.js')).parsePackageLock,
  'yarn-lock': async () => (await import('./yarn.js')).parseYarnLock,
  'pnpm-lock': async () => (await import('./pnpm.js')).parsePnpmLock,
  'bun-lock': async () => (await import('./bun.js')).parseBunLock,
  requirements: async () => (await import('./requirements.js')).parseRequirements,
  'poetry-lock': async () => (await import('./python-toml.js')).parsePoetryLock,
  'pipfile-lock': async () => (await import('./pipfile.js')).parsePipfileLock,
  'uv-lock': async () => (await import('./python-toml.js')).parseUvLock,
  'cargo-lock': async () => (await import('./cargo.js')).parseCargoLock,
  'go-mod': async () => (await import('./gomod.js')).parseGoMod,
  'gemfile-lock': async () => (await import('./gemfile.js')).parseGemfileLock,
  'composer-lock': async () => (await import('./composer.js')).parseComposerLock,
};

/**
 * Which lockfile a file name is, or undefined for anything else. `loose` (for
 * files the user names explicitly) also accepts prefixed names such as
 * `my-package-lock.json` or `backend.yarn.lock`.
 */
export function lockfileKindOf(file: string, loose = false): LockfileKind | undefined {
  const exact = exactKind(basename(file));
  if (exact || !loose) return exact;
  const name = basename(file);
  for (const suffix of ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Cargo.lock', 'go.mod', 'Gemfile.lock', 'composer.lock']) {
    if (name.endsWith(suffix)) return exactKind(suffix);
  }
  return name.endsWith('.txt') ? 'requirements' : undefined;
}

function exactKind(name: string): LockfileKind | undefined {
  switch (name) {
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return 'package-lock';
    case 'yarn.lock':
      return 'yarn-lock';
    case 'pnpm-lock.yaml':
      return 'pnpm-lock';
    case 'bun.lock':
      return 'bun-lock';
    case 'poetry.lock':
      return 'poetry-lock';
    case 'Pipfile.lock':
      return 'pipfile-lock';
    case 'uv.lock':
      return 'uv-lock';
    case 'Cargo.lock':
      return 'cargo-lock';
    case 'go.mod':
      return 'go-mod';
    case 'Gemfile.lock':
    case 'gems.locked':
      return 'gemfile-lock';
    case 'composer.lock':
      return 'composer-lock';
    default:
      return /^requirements.*\.txt$/.test(name) ? 'requirements' : undefined;
  }
}

/** The sibling manifest a lockfile kind uses to tell direct dependencies, if any. */
export function manifestNameFor(kind: LockfileKind): string | undefined {
  if (kind === 'package-lock' || kind === 'yarn-lock') return 'package.json';
  if (kind === 'cargo-lock') return 'Cargo.toml';
  if (kind === 'poetry-lock' || kind === 'uv-lock') return 'pyproject.toml';
  if (kind === 'composer-lock') return 'composer.json';
  return undefined;
}

/**
 * Parses one lockfile and merges repeated name@version entries (nested copies in
 * node_modules, several yarn descriptors resolving alike): a vulnerability is
 * reported once per package version, direct if any copy is, dev only if every copy is.
 */
export async function parseLockfile(kind: LockfileKind, input: LockfileInput): Promise<ParsedLockfile> {
  const { packages, problems, warnings } = (await PARSER_LOADERS[kind]())(input);
  const extra = { ...(problems?.length ? { problems } : {}), ...(warnings?.length ? { warnings } : {}) };
  const merged = new Map<string, Package>();
  for (const p of packages) {
    const key = `${p.name}@${p.version}#${p.commit ?? ''}`;
    const seen = merged.get(key);
    if (!seen) {
      // The parser's objects are ours to change: merging updates the first copy in place.
      merged.set(key, p);
      continue;
    }
    seen.direct ||= p.direct;
    seen.dev &&= p.dev;
    if (seen.direct) delete seen.path;
    else if (p.path && (!seen.path || p.path.length < seen.path.length)) seen.path = p.path;
  }
  return { packages: merged.size === packages.length ? packages : [...merged.values()], ...extra };
}
