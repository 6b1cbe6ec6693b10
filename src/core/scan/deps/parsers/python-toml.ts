import { z } from 'zod';
import { malformedLockfile } from '../errors.js';
import { reachFromRoots, unreferencedNodes, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';
import { packageTableLines, parseTomlLockfile } from './toml.js';

/** PEP 503 normalised project name: how PyPI and OSV compare names. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const poetryPackage = z.looseObject({
  name: z.string(),
  version: z.string(),
  category: z.string().optional(),
  groups: z.array(z.string()).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});
const poetryLock = z.looseObject({ package: z.array(z.unknown()).optional() });

/** poetry.lock (v1 `category`, v2 `groups`). */
export function parsePoetryLock(input: LockfileInput): ParsedLockfile {
  const doc = parseTomlLockfile(input.file, input.text);
  const lock = poetryLock.safeParse(doc);
  if (!lock.success) throw malformedLockfile(input.file, '`package` must be an array of tables');
  const lines = packageTableLines(input.text);
  const entries: { pkg: z.infer<typeof poetryPackage>; line: number }[] = [];
  (lock.data.package ?? []).forEach((raw, i) => {
    const p = poetryPackage.safeParse(raw);
    if (!p.success) throw malformedLockfile(input.file, 'a [[package]] lacks name or version', lines[i]);
    entries.push({ pkg: p.data, line: lines[i] ?? 1 });
  });
  const nodes = new Map<string, GraphNode>();
  for (const { pkg } of entries) nodes.set(normalizePypiName(pkg.name), { name: pkg.name, deps: Object.keys(pkg.dependencies ?? {}).map(normalizePypiName) });
  const reach = reachFromRoots(nodes, unreferencedNodes(nodes));
  return {
    packages: entries.map(({ pkg, line }) => {
      const r = reach.get(normalizePypiName(pkg.name));
      const dev = pkg.category === 'dev' || (pkg.groups !== undefined && pkg.groups.length > 0 && !pkg.groups.includes('main'));
      return { ecosystem: 'PyPI', name: pkg.name, version: pkg.version, direct: r?.direct ?? false, dev, line, ...(r && !r.direct ? { path: r.path } : {}) } satisfies Package;
    }),
  };
}

const DEV_GROUPS = new Set(['dev', 'test', 'tests', 'lint', 'docs']);

const uvDep = z.looseObject({ name: z.string() });
const uvPackage = z.looseObject({
  name: z.string(),
  version: z.string().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.array(uvDep).optional(),
  'optional-dependencies': z.record(z.string(), z.array(uvDep)).optional(),
  'dev-dependencies': z.record(z.string(), z.array(uvDep)).optional(),
});
const uvLock = z.looseObject({ package: z.array(z.unknown()).optional() });

/** uv.lock: the project itself (an editable or virtual source) is the root, not a package. */
export function parseUvLock(input: LockfileInput): ParsedLockfile {
  const doc = parseTomlLockfile(input.file, input.text);
  const lock = uvLock.safeParse(doc);
  if (!lock.success) throw malformedLockfile(input.file, '`package` must be an array of tables');
  const lines = packageTableLines(input.text);
  const nodes = new Map<string, GraphNode>();
  const pkgs: { pkg: z.infer<typeof uvPackage>; line: number }[] = [];
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  (lock.data.package ?? []).forEach((raw, i) => {
    const p = uvPackage.safeParse(raw);
    if (!p.success) throw malformedLockfile(input.file, 'a [[package]] lacks a name', lines[i]);
    const pkg = p.data;
    const deps = (pkg.dependencies ?? []).map((d) => normalizePypiName(d.name));
    const groups = Object.entries(pkg['optional-dependencies'] ?? {});
    // Extras named for development work count as dev; other extras ship to users.
    const optional = groups.filter(([g]) => !DEV_GROUPS.has(g)).flatMap(([, ds]) => ds.map((d) => normalizePypiName(d.name)));
    const devExtras = groups.filter(([g]) => DEV_GROUPS.has(g)).flatMap(([, ds]) => ds.map((d) => normalizePypiName(d.name)));
    const isRoot = pkg.source !== undefined && ('editable' in pkg.source || 'virtual' in pkg.source) && (pkg.source.editable === '.' || pkg.source.virtual === '.');
    if (isRoot) {
      prodRoots.push(...deps, ...optional);
      devRoots.push(...devExtras, ...Object.values(pkg['dev-dependencies'] ?? {}).flat().map((d) => normalizePypiName(d.name)));
      return;
    }
    if (pkg.version === undefined) return;
    nodes.set(normalizePypiName(pkg.name), { name: pkg.name, deps: [...deps, ...optional, ...devExtras] });
    pkgs.push({ pkg, line: lines[i] ?? 1 });
  });
  const roots = prodRoots.length + devRoots.length > 0 ? prodRoots : unreferencedNodes(nodes);
  const reachProd = reachFromRoots(nodes, roots);
  const reachAll = reachFromRoots(nodes, [...roots, ...devRoots]);
  return {
    packages: pkgs.map(({ pkg, line }) => {
      const id = normalizePypiName(pkg.name);
      const r = reachAll.get(id);
      return { ecosystem: 'PyPI', name: pkg.name, version: pkg.version ?? '', direct: r?.direct ?? false, dev: r !== undefined && !reachProd.has(id), line, ...(r && !r.direct ? { path: r.path } : {}) } satisfies Package;
    }),
  };
}
