import JSON5 from 'json5';
import { z } from 'zod';
import { malformedLockfile } from '../errors.js';
import { jsonKeyLines, reachFromRoots, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const deps = z.record(z.string(), z.string()).optional();
const workspaceSchema = z.looseObject({ dependencies: deps, devDependencies: deps, optionalDependencies: deps, peerDependencies: deps });
const lockSchema = z.looseObject({
  workspaces: z.record(z.string(), workspaceSchema).optional(),
  packages: z.record(z.string(), z.array(z.unknown())).optional(),
});
const metaSchema = z.looseObject({ dependencies: deps, optionalDependencies: deps, peerDependencies: deps });

/** Splits a bun.lock package key (`chalk/supports-color`) into package names, keeping scopes whole. */
function keySegments(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith('@') && i + 1 < parts.length) out.push(`${p}/${parts[++i]!}`);
    else out.push(p);
  }
  return out;
}

/** bun.lock (the text lockfile, JSON with trailing commas), read with json5. */
export function parseBunLock(input: LockfileInput): ParsedLockfile {
  let raw: unknown;
  try {
    raw = input.text.trim() === '' ? {} : JSON5.parse(input.text);
  } catch (error) {
    const line = (error as { lineNumber?: number }).lineNumber;
    throw malformedLockfile(input.file, 'not valid JSON', line, error);
  }
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) throw malformedLockfile(input.file, `unexpected structure (${parsed.error.issues[0]?.path.join('.')})`);
  const lock = parsed.data;
  const lines = jsonKeyLines(input.text);
  const entries = lock.packages ?? {};
  const resolve = (from: string[], dep: string): string | undefined => {
    for (let depth = from.length; depth >= 0; depth--) {
      const key = [...from.slice(0, depth), dep].join('/');
      if (key in entries) return key;
    }
    return undefined;
  };
  const nodes = new Map<string, GraphNode>();
  const info = new Map<string, { name: string; version: string; commit?: string }>();
  for (const [key, tuple] of Object.entries(entries)) {
    const spec = tuple[0];
    // A malformed tuple spoils only its own entry (bun itself would refuse it): skip it, keep the rest.
    if (typeof spec !== 'string') continue;
    const at = spec.indexOf('@', 1);
    if (at === -1) continue;
    const name = spec.slice(0, at);
    const rest = spec.slice(at + 1);
    const version = /[:/]/.test(rest) ? '' : rest;
    const meta = metaSchema.safeParse(tuple.find((t, i) => i > 0 && typeof t === 'object' && t !== null && !Array.isArray(t)) ?? {});
    const segments = keySegments(key);
    const depNames = meta.success ? [...Object.keys(meta.data.dependencies ?? {}), ...Object.keys(meta.data.optionalDependencies ?? {}), ...Object.keys(meta.data.peerDependencies ?? {})] : [];
    nodes.set(key, { name, deps: depNames.map((d) => resolve(segments, d)).filter((k): k is string => k !== undefined) });
    const commit = /#([0-9a-f]{7,40})$/i.exec(rest)?.[1];
    info.set(key, { name, version, ...(commit ? { commit } : {}) });
  }
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  for (const ws of Object.values(lock.workspaces ?? {})) {
    for (const d of [...Object.keys(ws.dependencies ?? {}), ...Object.keys(ws.optionalDependencies ?? {}), ...Object.keys(ws.peerDependencies ?? {})]) if (d in entries) prodRoots.push(d);
    for (const d of Object.keys(ws.devDependencies ?? {})) if (d in entries) devRoots.push(d);
  }
  const reachProd = reachFromRoots(nodes, prodRoots);
  const reachAll = reachFromRoots(nodes, [...prodRoots, ...devRoots]);
  const packages: Package[] = [];
  for (const [key, { name, version, commit }] of info) {
    const r = reachAll.get(key);
    packages.push({
      ecosystem: 'npm',
      name,
      version,
      direct: r?.direct ?? false,
      dev: r !== undefined && !reachProd.has(key),
      line: lines.get(key)?.[0] ?? 1,
      ...(commit ? { commit } : {}),
      ...(r && !r.direct ? { path: r.path } : {}),
    });
  }
  return { packages };
}
