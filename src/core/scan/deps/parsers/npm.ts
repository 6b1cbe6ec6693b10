import { z } from 'zod';
import { malformedLockfile, parseJsonLockfile } from '../errors.js';
import { countNewlines, jsonKeyLines, reachFromRoots, unreferencedNodes, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const depMap = z.record(z.string(), z.string()).optional();

/**
 * Field readers for `packages` entries. This is the boundary check for the bulk
 * of a lockfile, written as plain type guards rather than a zod schema because
 * zod costs several times the JSON.parse itself on a 5,000-package lockfile (see
 * bench/scan-deps.mjs), and applied to the fields as they are read rather than by
 * copying every entry first. A field of the wrong type reads as absent, as zod's
 * `.catch(undefined)` would; so does a dependency map with a non-string value.
 */
type RawEntry = Record<string, unknown>;

function entryAt(packages: Record<string, unknown>, key: string): RawEntry {
  const raw = packages[key];
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as RawEntry) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The dependency names of an entry's maps, skipping any map that is not all strings. */
function depNames(entry: RawEntry, fields: readonly string[]): string[] {
  const names: string[] = [];
  for (let f = 0; f < fields.length; f++) {
    const map = entry[fields[f]!];
    if (map === null || typeof map !== 'object' || Array.isArray(map)) continue;
    const keys = Object.keys(map);
    let strings = true;
    for (let i = 0; i < keys.length && strings; i++) strings = typeof (map as Record<string, unknown>)[keys[i]!] === 'string';
    if (strings) for (let i = 0; i < keys.length; i++) names.push(keys[i]!);
  }
  return names;
}

const OWN_DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const INSTALLED_DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;

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

/** The v1 tree is validated only when it is used: a v2 lockfile carries it too, as a duplicate of `packages`. */
const v1Schema = z.record(z.string(), v1Entry);

const manifestSchema = z.looseObject({
  dependencies: depMap,
  devDependencies: depMap,
  optionalDependencies: depMap,
});

/** npm `package-lock.json` v1/v2/v3 and `npm-shrinkwrap.json`. */
export function parsePackageLock(input: LockfileInput): ParsedLockfile {
  const raw = parseJsonLockfile(input.file, input.text);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw malformedLockfile(input.file, 'expected a JSON object');
  const lock = raw as Record<string, unknown>;
  if (lock.lockfileVersion !== undefined && typeof lock.lockfileVersion !== 'number') throw malformedLockfile(input.file, 'unexpected structure (lockfileVersion)');
  const packages = lock.packages;
  if (packages !== undefined && (packages === null || typeof packages !== 'object' || Array.isArray(packages))) throw malformedLockfile(input.file, 'unexpected structure (packages)');
  if (packages && Object.keys(packages).length > 0) return fromPackages(packages as Record<string, unknown>, input.text);
  const dependencies = v1Schema.optional().safeParse(lock.dependencies);
  if (!dependencies.success) throw malformedLockfile(input.file, `unexpected structure (dependencies.${dependencies.error.issues[0]?.path.join('.')})`);
  return fromDependencies(dependencies.data ?? {}, jsonKeyLines(input.text), input.manifest);
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

function fromPackages(entries: Record<string, unknown>, text: string): ParsedLockfile {
  const keys = Object.keys(entries);
  const nested = nestingParents(keys);
  const nodes = new Map<string, GraphNode>();
  const roots: string[] = [];
  for (const key of keys) {
    const entry = entryAt(entries, key);
    if (!key.includes('node_modules/')) {
      // The project root, workspace members and local (file:) packages: their dependencies are the project's own.
      for (const dep of depNames(entry, OWN_DEP_FIELDS)) {
        const id = resolveNodeModules(entries, nested, key, dep);
        if (id) roots.push(id);
      }
      if (key === '' || str(entry.version) === undefined) continue;
      nodes.set(key, { name: str(entry.name) ?? key.slice(key.lastIndexOf('/') + 1), deps: [] });
      roots.push(key);
      continue;
    }
    if (entry.link === true) continue;
    const deps: string[] = [];
    for (const dep of depNames(entry, INSTALLED_DEP_FIELDS)) {
      const id = resolveNodeModules(entries, nested, key, dep);
      if (id) deps.push(id);
    }
    nodes.set(key, { name: str(entry.name) ?? key.slice(key.lastIndexOf('node_modules/') + 13), deps });
  }
  const reach = reachFromRoots(nodes, roots.length > 0 ? roots : unreferencedNodes(nodes));
  const lines = keyLinesInOrder(text, keys, nodes);
  const packages: Package[] = [];
  for (const [key, node] of nodes) {
    const entry = entryAt(entries, key);
    const spec = str(entry.version) ?? '';
    const { name, version } = splitNpmVersion(node.name, spec);
    const r = reach.get(key);
    const pkg: Package = { ecosystem: 'npm', name, version, direct: r?.direct ?? false, dev: entry.dev === true || entry.devOptional === true, line: lines.get(key) ?? 1 };
    const commit = gitCommitOf(str(entry.resolved) ?? spec);
    if (commit !== undefined) pkg.commit = commit;
    if (r && !r.direct) pkg.path = r.path;
    packages.push(pkg);
  }
  return { packages };
}

/**
 * The line of each package's `"key": {` in a lockfile npm wrote: JSON.parse keeps
 * the document's key order, so each key is searched for after the previous one —
 * one pass of native `indexOf` over the text instead of a regex over every line.
 * A hit must start its line at the indentation of the first package key, so a
 * nested object with the same key (`peerDependenciesMeta`) is passed over. A key
 * not found that way (a hand-edited file, unusual escaping) falls back to the
 * general scan.
 */
function keyLinesInOrder(text: string, keys: string[], nodes: Map<string, GraphNode>): Map<string, number> {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;
  let indent = -1;
  for (const key of keys) {
    if (!nodes.has(key)) continue;
    const needle = `${PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key)}: {`;
    let found = text.indexOf(needle, at);
    for (; found !== -1; found = text.indexOf(needle, found + 1)) {
      const lineStart = text.lastIndexOf('\n', found) + 1;
      if ((indent === -1 || found - lineStart === indent) && isBlank(text, lineStart, found)) {
        indent = found - lineStart;
        break;
      }
    }
    if (found === -1) {
      const general = jsonKeyLines(text);
      for (const k of keys) if (nodes.has(k)) lines.set(k, general.get(k)?.[0] ?? 1);
      return lines;
    }
    line += countNewlines(text, at, found);
    at = found;
    lines.set(key, line);
  }
  return lines;
}

/** A key JSON writes as it is: no quote, backslash or control character to escape. */
const PLAIN_KEY = /^[^"\\\u0000-\u001f]*$/;

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * Node's module resolution inside a lockfile: the nearest `node_modules/<dep>`
 * walking up from `from`. Most trees are flat, so the walk skips the levels that
 * have no nested `node_modules` at all (`nested`) instead of probing each.
 */
function resolveNodeModules(entries: Record<string, unknown>, nested: Set<string>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    if (base === '' || nested.has(base)) {
      const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
      if (candidate in entries) {
        const entry = entryAt(entries, candidate);
        if (entry.link === true && typeof entry.resolved === 'string') return undefined;
        return candidate;
      }
    }
    if (base === '') return undefined;
    const cut = base.lastIndexOf('node_modules/');
    base = cut <= 0 ? '' : base.slice(0, cut - 1);
  }
}

/** Every package path that has a `node_modules` of its own (`a` for `a/node_modules/b`). */
function nestingParents(keys: string[]): Set<string> {
  const parents = new Set<string>();
  for (const key of keys) {
    const cut = key.lastIndexOf('/node_modules/');
    if (cut > 0) parents.add(key.slice(0, cut));
  }
  return parents;
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
    const commit = gitCommitOf(entry.version ?? '');
    packages.push({ ecosystem: 'npm', name, version, direct: r?.direct ?? false, dev: entry.dev === true, line, ...(commit === undefined ? {} : { commit }), ...(r && !r.direct ? { path: r.path } : {}) });
  }
  return { packages };
}

/** `git+https://host/repo.git#<sha>` → the commit, when the spec is a git one. */
function gitCommitOf(spec: string): string | undefined {
  // Most specs are plain versions: skip the regex unless there is a `#`.
  if (!spec.includes('#')) return undefined;
  const m = /^(?:git\+|git:|github:|gitlab:|bitbucket:)[^#]*#([0-9a-f]{7,40})$/i.exec(spec);
  return m ? m[1]!.toLowerCase() : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
