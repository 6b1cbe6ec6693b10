import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { malformedLockfile } from '../errors.js';
import { reachFromRoots, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const depRefs = z.record(z.string(), z.union([z.string(), z.number(), z.looseObject({ version: z.union([z.string(), z.number()]) })])).nullish();
const importerSchema = z.looseObject({ dependencies: depRefs, devDependencies: depRefs, optionalDependencies: depRefs });
const entrySchema = z
  .looseObject({
    name: z.string().optional(),
    version: z.union([z.string(), z.number()]).optional(),
    dev: z.boolean().optional(),
    dependencies: depRefs,
    optionalDependencies: depRefs,
  })
  .nullish();
const lockSchema = z.looseObject({
  lockfileVersion: z.union([z.string(), z.number()]).optional(),
  importers: z.record(z.string(), importerSchema.nullish()).nullish(),
  packages: z.record(z.string(), entrySchema).nullish(),
  snapshots: z.record(z.string(), entrySchema).nullish(),
  dependencies: depRefs,
  devDependencies: depRefs,
  optionalDependencies: depRefs,
});
type Refs = z.infer<typeof depRefs>;

/** pnpm-lock.yaml v5 (`/name/1.0.0`), v6 (`/name@1.0.0`) and v9 (`name@1.0.0` + snapshots). */
export function parsePnpmLock(input: LockfileInput): ParsedLockfile {
  let raw: unknown;
  try {
    raw = parseYaml(input.text);
  } catch (error) {
    const pos = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw malformedLockfile(input.file, 'not valid YAML', pos, error);
  }
  if (raw === null || raw === undefined) return { packages: [] };
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) throw malformedLockfile(input.file, `unexpected structure (${parsed.error.issues[0]?.path.join('.')})`);
  const lock = parsed.data;
  const major = Number.parseFloat(String(lock.lockfileVersion ?? '5'));
  const slashStyle = major < 6;

  const keyLines = new Map<string, number>();
  const lines = input.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {2}(['"]?)(\S.*?)\1:(?:\s+\{\})?\s*$/.exec(lines[i]!);
    if (m && !keyLines.has(m[2]!)) keyLines.set(m[2]!, i + 1);
  }

  const nodes = new Map<string, GraphNode>();
  const info = new Map<string, { name: string; version: string; dev: boolean | undefined; line: number }>();
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    let id = normId(baseKey(key, slashStyle));
    if (info.has(id)) id = normId(key);
    const parsedKey = parseDepPath(baseKey(key, slashStyle), slashStyle);
    const at = key.indexOf('@', key.startsWith('/') ? 2 : 1);
    const name = entry?.name ?? parsedKey?.name ?? (entry?.version !== undefined && at > 0 && !slashStyle ? normId(key.slice(0, at)) : undefined);
    const version = entry?.version !== undefined ? String(entry.version) : parsedKey?.version;
    // An entry whose key names no package and version (e.g. a bare git URL) cannot be matched: skip it as pnpm's peers do.
    if (!name || version === undefined) continue;
    info.set(id, { name, version, dev: entry?.dev, line: keyLines.get(key) ?? 1 });
  }
  const depSource = lock.snapshots ?? lock.packages ?? {};
  for (const [key, entry] of Object.entries(depSource)) {
    const id = normId(baseKey(key, slashStyle));
    const i = info.get(id);
    if (!i) continue;
    const node = nodes.get(id) ?? { name: i.name, deps: [] };
    node.deps.push(...refsToIds(entry?.dependencies, slashStyle), ...refsToIds(entry?.optionalDependencies, slashStyle));
    nodes.set(id, node);
  }
  for (const id of info.keys()) if (!nodes.has(id)) nodes.set(id, { name: info.get(id)!.name, deps: [] });

  const importers = lock.importers ?? { '.': { dependencies: lock.dependencies, devDependencies: lock.devDependencies, optionalDependencies: lock.optionalDependencies } };
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  for (const imp of Object.values(importers)) {
    prodRoots.push(...refsToIds(imp?.dependencies, slashStyle), ...refsToIds(imp?.optionalDependencies, slashStyle));
    devRoots.push(...refsToIds(imp?.devDependencies, slashStyle));
  }
  const reachProd = reachFromRoots(nodes, prodRoots);
  const reachAll = reachFromRoots(nodes, [...prodRoots, ...devRoots]);
  const packages: Package[] = [];
  for (const [id, i] of info) {
    const r = reachAll.get(id);
    packages.push({
      ecosystem: 'npm',
      name: i.name,
      version: i.version,
      direct: r?.direct ?? false,
      dev: i.dev ?? (r !== undefined && !reachProd.has(id)),
      line: i.line,
      ...(r && !r.direct ? { path: r.path } : {}),
    });
  }
  return { packages };
}

/** Drops the peer-dependency suffix: `(peer@1)` (v6+) or `_peer@1` (v5). */
function baseKey(key: string, slashStyle: boolean): string {
  const paren = key.indexOf('(');
  let k = paren === -1 ? key : key.slice(0, paren);
  if (slashStyle) {
    const lastSlash = k.lastIndexOf('/');
    const underscore = k.indexOf('_', lastSlash);
    if (underscore !== -1) k = k.slice(0, underscore);
  }
  return k;
}

/** The name and version a dependency path encodes, or undefined when it encodes none. */
export function parseDepPath(id: string, slashStyle: boolean): { name: string; version: string } | undefined {
  let k = id;
  if (!k.startsWith('/')) {
    // `registry.npmjs.org/foo/1.0.0`: a registry host before the path.
    const firstSlash = k.indexOf('/');
    const firstSeg = firstSlash === -1 ? k : k.slice(0, firstSlash);
    if (!firstSeg.startsWith('@') && firstSeg.includes('.') && firstSlash !== -1 && (slashStyle || !firstSeg.includes('@'))) k = k.slice(firstSlash);
  }
  if (k.startsWith('/')) k = k.slice(1);
  let name: string | undefined;
  let version: string | undefined;
  const at = /^(@[^/@]+\/[^/@]+|[^/@]+)@(.+)$/.exec(k);
  if (at && !slashStyle) {
    name = at[1];
    version = at[2];
  } else {
    const slash = /^(@[^/]+\/[^/]+|[^/@]+)\/([^/]+)$/.exec(k);
    if (slash) {
      name = slash[1];
      version = slash[2];
    } else if (at) {
      name = at[1];
      version = at[2];
    }
  }
  if (!name || !version || !semver.valid(version, { loose: true })) return undefined;
  return { name, version };
}

function refsToIds(refs: Refs, slashStyle: boolean): string[] {
  const out: string[] = [];
  for (const [dep, value] of Object.entries(refs ?? {})) {
    const ref = typeof value === 'object' ? String(value.version) : String(value);
    if (ref.startsWith('link:') || ref.startsWith('file:')) continue;
    let id: string;
    if (ref.startsWith('/')) id = ref; // a full dependency path
    else if (!/^\d/.test(ref) && /^[^(]*[@/]/.test(ref)) id = ref; // an alias (`name@1.0.0`) or a host path
    else id = slashStyle ? `${dep}/${ref}` : `${dep}@${ref}`;
    out.push(normId(baseKey(id, slashStyle)));
  }
  return out;
}

/** v5/v6 keys start with `/`, v9 keys and references do not: compare without it. */
function normId(id: string): string {
  return id.startsWith('/') ? id.slice(1) : id;
}
