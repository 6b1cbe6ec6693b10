import { parseSyml } from '@yarnpkg/parsers';
import { z } from 'zod';
import { malformedLockfile } from '../errors.js';
import { reachFromRoots, unreferencedNodes, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const entrySchema = z.looseObject({
  version: z.union([z.string(), z.number()]).optional(),
  resolution: z.string().optional(),
  dependencies: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  optionalDependencies: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
type Entry = z.infer<typeof entrySchema>;

const manifestSchema = z.looseObject({
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
});

/** `name@range` → name, keeping a scope's leading `@`. */
function descriptorName(descriptor: string): string {
  const at = descriptor.indexOf('@', 1);
  return at === -1 ? descriptor : descriptor.slice(0, at);
}

function descriptorsOf(key: string): string[] {
  return key.split(',').map((d) => d.trim().replace(/^"|"$/g, '')).filter((d) => d.length > 0);
}

/** yarn.lock v1 (classic) and v2+ (Berry), both through yarn's own parser. */
export function parseYarnLock(input: LockfileInput): ParsedLockfile {
  let doc: Record<string, unknown>;
  try {
    doc = parseSyml(input.text) as Record<string, unknown>;
  } catch (error) {
    const line = /line (\d+)/i.exec(String((error as Error).message));
    throw malformedLockfile(input.file, 'not a valid yarn.lock', line ? Number(line[1]) : undefined, error);
  }
  const berry = '__metadata' in doc;
  const headerLines = new Map<string, number>();
  const textLines = input.text.split('\n');
  for (let i = 0; i < textLines.length; i++) {
    const l = textLines[i]!;
    if (l.length === 0 || l[0] === ' ' || l[0] === '#' || !l.trimEnd().endsWith(':')) continue;
    for (const d of descriptorsOf(l.trimEnd().slice(0, -1))) headerLines.set(d, i + 1);
  }

  const byDescriptor = new Map<string, string>();
  const nodes = new Map<string, GraphNode>();
  const entries = new Map<string, { entry: Entry; name: string; version: string; line: number; root: boolean }>();
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) throw malformedLockfile(input.file, `unexpected entry "${key}"`, headerLines.get(descriptorsOf(key)[0] ?? ''));
    const entry = parsed.data;
    const descriptors = descriptorsOf(key);
    const first = descriptors[0] ?? key;
    for (const d of descriptors) byDescriptor.set(d, key);
    let name: string;
    if (berry && entry.resolution) name = descriptorName(entry.resolution);
    else {
      const range = first.slice(descriptorName(first).length + 1);
      name = range.startsWith('npm:') && range.includes('@', 5) ? descriptorName(range.slice(4)) : descriptorName(first);
    }
    const root = berry && (entry.resolution ?? '').endsWith('@workspace:.');
    entries.set(key, { entry, name, version: String(entry.version ?? ''), line: headerLines.get(first) ?? 1, root });
  }
  const lookup = (dep: string, range: string): string | undefined =>
    byDescriptor.get(`${dep}@${range}`) ?? byDescriptor.get(`${dep}@npm:${range}`);
  const roots: string[] = [];
  for (const [key, { entry, name, root }] of entries) {
    const deps = [...Object.entries(entry.dependencies ?? {}), ...Object.entries(entry.optionalDependencies ?? {})]
      .map(([dep, range]) => lookup(dep, String(range)))
      .filter((k): k is string => k !== undefined);
    if (root) roots.push(...deps);
    else nodes.set(key, { name, deps });
  }
  if (!berry && input.manifest !== undefined) {
    const manifest = manifestSchema.safeParse(safeJson(input.manifest));
    if (manifest.success) {
      const m = manifest.data;
      for (const [dep, range] of [...Object.entries(m.dependencies ?? {}), ...Object.entries(m.devDependencies ?? {}), ...Object.entries(m.optionalDependencies ?? {})]) {
        const key = lookup(dep, range);
        if (key) roots.push(key);
      }
    }
  }
  const devNames = devOnlyNames(input.manifest);
  const reach = reachFromRoots(nodes, roots.length > 0 ? roots : unreferencedNodes(nodes));
  const packages: Package[] = [];
  for (const [key, node] of nodes) {
    const e = entries.get(key)!;
    const r = reach.get(key);
    const via = r?.path[0];
    packages.push({
      ecosystem: 'npm',
      name: e.name,
      version: e.version,
      direct: r?.direct ?? false,
      // yarn.lock does not record dev-ness; derive it from package.json when we have it.
      dev: r ? devNames.has(r.direct ? node.name : (via ?? '')) : false,
      line: e.line,
      ...(r && !r.direct ? { path: r.path } : {}),
    });
  }
  return { packages };
}

function devOnlyNames(manifestText: string | undefined): Set<string> {
  if (manifestText === undefined) return new Set();
  const manifest = manifestSchema.safeParse(safeJson(manifestText));
  if (!manifest.success) return new Set();
  const prod = new Set([...Object.keys(manifest.data.dependencies ?? {}), ...Object.keys(manifest.data.optionalDependencies ?? {})]);
  return new Set(Object.keys(manifest.data.devDependencies ?? {}).filter((n) => !prod.has(n)));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
