import { z } from 'zod';
import { malformedLockfile, parseJsonLockfile } from '../errors.js';
import { reachFromRoots, unreferencedNodes, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const pkgSchema = z.looseObject({ name: z.string(), version: z.string(), require: z.record(z.string(), z.string()).optional() });
const lockSchema = z.looseObject({ packages: z.array(pkgSchema).optional(), 'packages-dev': z.array(pkgSchema).optional() });
const manifestSchema = z.looseObject({ require: z.record(z.string(), z.string()).optional(), 'require-dev': z.record(z.string(), z.string()).optional() });

/** composer.lock: `packages` is production, `packages-dev` dev; composer.json (when beside it) names the direct ones. */
export function parseComposerLock(input: LockfileInput): ParsedLockfile {
  const raw = parseJsonLockfile(input.file, input.text);
  if (raw === null || typeof raw !== 'object') throw malformedLockfile(input.file, 'expected a JSON object');
  const parsed = lockSchema.safeParse(raw);
  if (!parsed.success) throw malformedLockfile(input.file, `unexpected structure (${parsed.error.issues[0]?.path.join('.')})`);
  const nameLines = new Map<string, number[]>();
  const pattern = /^\s*"name"\s*:\s*"((?:[^"\\]|\\.)*)"/;
  input.text.split('\n').forEach((l, i) => {
    const m = pattern.exec(l);
    if (m) nameLines.set(m[1]!, [...(nameLines.get(m[1]!) ?? []), i + 1]);
  });
  const used = new Map<string, number>();
  const lineOf = (name: string): number => {
    const at = used.get(name) ?? 0;
    used.set(name, at + 1);
    return nameLines.get(name)?.[at] ?? 1;
  };
  const all = [...(parsed.data.packages ?? []).map((p) => ({ p, dev: false })), ...(parsed.data['packages-dev'] ?? []).map((p) => ({ p, dev: true }))];
  const nodes = new Map<string, GraphNode>();
  for (const { p } of all) {
    const id = p.name.toLowerCase();
    if (!nodes.has(id)) nodes.set(id, { name: p.name, deps: Object.keys(p.require ?? {}).map((d) => d.toLowerCase()) });
  }
  let roots = unreferencedNodes(nodes);
  if (input.manifest !== undefined) {
    const m = manifestSchema.safeParse(safeJson(input.manifest));
    if (m.success) roots = [...Object.keys(m.data.require ?? {}), ...Object.keys(m.data['require-dev'] ?? {})].map((d) => d.toLowerCase());
  }
  const reach = reachFromRoots(nodes, roots);
  return {
    packages: all.map(({ p, dev }) => {
      const r = reach.get(p.name.toLowerCase());
      const version = p.version.replace(/^v(?=\d)/, '');
      return { ecosystem: 'Packagist', name: p.name, version, direct: r?.direct ?? false, dev, line: lineOf(p.name), ...(r && !r.direct ? { path: r.path } : {}) } satisfies Package;
    }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
