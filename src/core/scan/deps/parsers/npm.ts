import { z } from 'zod';
import { malformedLockfile, parseJsonLockfile } from '../errors.js';
import { jsonKeyLines, reachFromRoots, unreferencedNodes, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const depMap = z.record(z.string(), z.string()).optional();

/** One `packages` entry, reduced to the fields we use. */
interface V2Entry {
  name?: string | undefined;
  version?: string | undefined;
  dev?: boolean | undefined;
  devOptional?: boolean | undefined;
  link?: boolean | undefined;
  resolved?: string | undefined;
  dependencies?: Record<string, string> | undefined;
  devDependencies?: Record<string, string> | undefined;
  optionalDependencies?: Record<string, string> | undefined;
  peerDependencies?: Record<string, string> | undefined;
}

/**
 * Validates one `packages` entry. This is the boundary check for the bulk of a
 * lockfile, written as plain type guards rather than a zod schema because zod
 * costs several times the JSON.parse itself on a 5,000-package lockfile (see
 * bench/scan-deps.mjs); the envelope is still checked with zod below. A field of
 * the wrong type is dropped, as zod's `.catch(undefined)` would.
 */
function v2Entry(raw: unknown): V2Entry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  return {
    name: str(r.name),
    version: str(r.version),
    dev: bool(r.dev),
    devOptional: bool(r.devOptional),
    link: bool(r.link),
    resolved: str(r.resolved),
    dependencies: stringMap(r.dependencies),
    devDependencies: stringMap(r.devDependencies),
    optionalDependencies: stringMap(r.optionalDependencies),
    peerDependencies: stringMap(r.peerDependencies),
  };
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  for (const value of Object.values(v)) if (typeof value !== 'string') return undefined;
  return v as Record<string, string>;
}

interface V1Entry {
  version?: string | undefined;
  dev?: boolean | undefined;
  requires?: Record<string, string> | undefined;
  dependencies?: Record<string, V1Entry> | undefined;
}
const v1Entry: z.ZodType<V1Entry> = z.lazy(() =>
  z.looseObject({
    version: z.string().optional(),
    dev: z.boolean().optional(),
    requires: z.record(z.string(), z.string()).optional(),
    dependencies: z.record(z.string(), v1Entry).optional(),
  }),
);

const lockSchema = z.looseObject({
  lockfileVersion: z.number().optional(),
  packages: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.record(z.string(), v1Entry).optional(),
});

const manifestSchema = z.looseObject({
  dependencies: depMap,
  devDependencies: depMap,
  optionalDependencies: depMap,
});

/** npm `package-lock.json` v1/v2/v3 and `npm-shrinkwrap.json`. */
export function parsePackageLock(input: LockfileInput): ParsedLockfile {
  const raw = parseJsonLockfile(input.file, input.text);
  if (raw === null || typeof raw !== 'object') throw malformedLockfile(input.file, 'expected a JSON object');
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) throw malformedLockfile(input.file, `unexpected structure (${parsed.error.issues[0]?.path.join('.')})`);
  const lock = parsed.data;
  const lines = jsonKeyLines(input.text);
  if (lock.packages && Object.keys(lock.packages).length > 0) {
    const entries: Record<string, V2Entry> = {};
    for (const [key, value] of Object.entries(lock.packages)) entries[key] = v2Entry(value);
    return fromPackages(entries, lines);
  }
  return fromDependencies(lock.dependencies ?? {}, lines, input.manifest);
}

/** `npm:real-name@1.2.3` aliases and git/file specs: the real name and a plain version ('' when none). */
export function splitNpmVersion(name: string, spec: string): { name: string; version: string } {
  if (spec.startsWith('npm:')) {
    const at = spec.lastIndexOf('@');
    if (at > 4) return { name: spec.slice(4, at), version: spec.slice(at + 1) };
  }
  if (/^[a-z+]+:/i.test(spec) || spec.includes('/')) return { name, version: '' };
  return { name, version: spec };
}

function fromPackages(entries: Record<string, V2Entry>, lines: Map<string, number[]>): ParsedLockfile {
  const nodes = new Map<string, GraphNode>();
  const roots: string[] = [];
  const rootDepNames = (key: string, entry: V2Entry): void => {
    const names = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.devDependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})];
    for (const dep of names) {
      const id = resolveNodeModules(entries, key, dep);
      if (id) roots.push(id);
    }
  };
  for (const [key, entry] of Object.entries(entries)) {
    if (!key.includes('node_modules/')) {
      // The project root, workspace members and local (file:) packages: their dependencies are the project's own.
      rootDepNames(key, entry);
      if (key === '' || entry.version === undefined) continue;
      nodes.set(key, { name: entry.name ?? key.slice(key.lastIndexOf('/') + 1), deps: [] });
      roots.push(key);
      continue;
    }
    if (entry.link) continue;
    const deps: string[] = [];
    for (const dep of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {})]) {
      const id = resolveNodeModules(entries, key, dep);
      if (id) deps.push(id);
    }
    nodes.set(key, { name: entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 13), deps });
  }
  const reach = reachFromRoots(nodes, roots.length > 0 ? roots : unreferencedNodes(nodes));
  const packages: Package[] = [];
  for (const [key, node] of nodes) {
    const entry = entries[key]!;
    const { name, version } = splitNpmVersion(node.name, entry.version ?? '');
    const r = reach.get(key);
    packages.push({
      ecosystem: 'npm',
      name,
      version,
      direct: r?.direct ?? false,
      dev: entry.dev === true || entry.devOptional === true,
      line: lines.get(key)?.[0] ?? 1,
      ...gitCommit(entry.resolved ?? entry.version ?? ''),
      ...(r && !r.direct ? { path: r.path } : {}),
    });
  }
  return { packages };
}

/** Node's module resolution inside a lockfile: nearest `node_modules/<dep>` walking up from `from`. */
function resolveNodeModules(entries: Record<string, unknown>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (candidate in entries) {
      const entry = entries[candidate] as { link?: boolean; resolved?: string };
      if (entry.link && typeof entry.resolved === 'string') return undefined;
      return candidate;
    }
    if (base === '') return undefined;
    const cut = base.lastIndexOf('node_modules/');
    base = cut <= 0 ? '' : base.slice(0, cut - 1);
  }
}

function fromDependencies(top: Record<string, V1Entry>, lines: Map<string, number[]>, manifestText: string | undefined): ParsedLockfile {
  const nodes = new Map<string, GraphNode>();
  const info = new Map<string, { name: string; entry: V1Entry; line: number }>();
  const lineCursor = new Map<string, number>();
  const nextLine = (name: string): number => {
    const list = lines.get(name);
    const at = lineCursor.get(name) ?? 0;
    lineCursor.set(name, at + 1);
    return list?.[at] ?? 1;
  };
  // Depth-first in document order so that each `"name": {` line is consumed in the order it appears.
  const visit = (scope: string[], deps: Record<string, V1Entry>): void => {
    for (const [name, entry] of Object.entries(deps)) {
      const id = [...scope, name].join('>');
      info.set(id, { name, entry, line: nextLine(name) });
      if (entry.dependencies) visit([...scope, name], entry.dependencies);
    }
  };
  visit([], top);
  const resolve = (scope: string[], dep: string): string | undefined => {
    for (let depth = scope.length; depth >= 0; depth--) {
      const id = [...scope.slice(0, depth), dep].join('>');
      if (info.has(id)) return id;
    }
    return undefined;
  };
  for (const [id, { name, entry }] of info) {
    const scope = id.split('>');
    const deps = Object.keys(entry.requires ?? {}).map((dep) => resolve(scope, dep)).filter((d): d is string => d !== undefined);
    nodes.set(id, { name, deps });
  }
  let roots: string[] = unreferencedNodes(nodes);
  if (manifestText !== undefined) {
    const manifest = manifestSchema.safeParse(safeJson(manifestText));
    if (manifest.success) {
      const m = manifest.data;
      roots = [...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {})].filter((n) => info.has(n));
    }
  }
  const reach = reachFromRoots(nodes, roots);
  const packages: Package[] = [];
  for (const [id, { name: key, entry, line }] of info) {
    const { name, version } = splitNpmVersion(key, entry.version ?? '');
    const r = reach.get(id);
    packages.push({ ecosystem: 'npm', name, version, direct: r?.direct ?? false, dev: entry.dev === true, line, ...gitCommit(entry.version ?? ''), ...(r && !r.direct ? { path: r.path } : {}) });
  }
  return { packages };
}

/** `git+https://host/repo.git#<sha>` → the commit, when the spec is a git one. */
export function gitCommit(spec: string): { commit?: string } {
  const m = /^(?:git\+|git:|github:|gitlab:|bitbucket:)[^#]*#([0-9a-f]{7,40})$/i.exec(spec);
  return m ? { commit: m[1]!.toLowerCase() } : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
