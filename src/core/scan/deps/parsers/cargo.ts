import { z } from 'zod';
import { malformedLockfile } from '../errors.js';
import { reachFromRoots, type GraphNode } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';
import { packageTableLines, parseTomlLockfile } from './toml.js';

const cargoPackage = z.looseObject({
  name: z.string(),
  version: z.string(),
  source: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
});
const cargoLock = z.looseObject({ package: z.array(z.unknown()).optional() });

/** Cargo.lock: packages without a `source` are the workspace's own crates, whose dependencies are direct. */
export function parseCargoLock(input: LockfileInput): ParsedLockfile {
  const doc = parseTomlLockfile(input.file, input.text);
  const lock = cargoLock.safeParse(doc);
  if (!lock.success) throw malformedLockfile(input.file, '`package` must be an array of tables');
  const lines = packageTableLines(input.text);
  const pkgs = (lock.data.package ?? []).map((raw, i) => {
    const p = cargoPackage.safeParse(raw);
    if (!p.success) throw malformedLockfile(input.file, 'a [[package]] lacks name or version', lines[i]);
    return { pkg: p.data, line: lines[i] ?? 1 };
  });
  const byName = new Map<string, string[]>();
  for (const { pkg } of pkgs) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), `${pkg.name} ${pkg.version}`]);
  // A dependency is `name`, `name version` or `name version (source)`; bare names are unique in the lock.
  const depId = (dep: string): string | undefined => {
    const [name, version] = dep.split(' ');
    return version ? `${name} ${version}` : byName.get(name ?? '')?.[0];
  };
  const nodes = new Map<string, GraphNode>();
  const roots: string[] = [];
  for (const { pkg } of pkgs) {
    const deps = (pkg.dependencies ?? []).map(depId).filter((d): d is string => d !== undefined);
    nodes.set(`${pkg.name} ${pkg.version}`, { name: pkg.name, deps });
    if (pkg.source === undefined) roots.push(...deps);
  }
  const reach = reachFromRoots(nodes, roots);
  return {
    packages: pkgs.map(({ pkg, line }) => {
      const r = reach.get(`${pkg.name} ${pkg.version}`);
      return { ecosystem: 'crates.io', name: pkg.name, version: pkg.version, direct: r?.direct ?? false, dev: false, line, ...(r && !r.direct ? { path: r.path } : {}) } satisfies Package;
    }),
  };
}
