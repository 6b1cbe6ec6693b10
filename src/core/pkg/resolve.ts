import semver from 'semver';
import { CircleError } from '../errors.js';
import { isDistTagName, isRegistrySpec, packageNameProblem } from './manifest.js';
import type { Packument, PackumentVersion } from './packument.js';

/**
 * Resolves a dependency graph against registry packuments, npm's way: semver
 * ranges with npm's prerelease rule (a prerelease is chosen only when the range
 * names a prerelease of the same major.minor.patch), dist-tags, and circle's
 * yanked flag (skipped unless the lockfile already holds that version).
 *
 * Every dependency edge gets the highest satisfying version (or the one the lockfile
 * holds at that place, if it still satisfies). Placement gives a tree Node's resolver
 * loads: a package goes to the top `node_modules` unless another version of it is
 * already visible from the dependent, in which case it is nested under the dependent.
 * Breadth-first, names sorted: the same inputs give the same tree.
 */
export interface ResolvedNode {
  /** `node_modules/a` or `node_modules/a/node_modules/b`. */
  location: string;
  name: string;
  version: string;
  meta: PackumentVersion;
  /** The dependents' chain that first brought this node in (for messages). */
  chain: string[];
}

export interface ResolveInput {
  rootName: string;
  dependencies: Record<string, string>;
  packument: (name: string) => Promise<Packument>;
  /** location → version from a lockfile: kept when it still satisfies (even if yanked since). */
  locked?: ReadonlyMap<string, string>;
  maxNodes?: number;
}

export interface ResolveResult {
  nodes: ResolvedNode[];
  /** Versions in the tree that are deprecated, with the message. */
  deprecated: { name: string; version: string; message: string }[];
}

const ROOT = '';

function childLocation(parent: string, name: string): string {
  return parent === ROOT ? `node_modules/${name}` : `${parent}/node_modules/${name}`;
}

/** Ancestors of a location, nearest first, the root last. */
function ancestors(location: string): string[] {
  const out: string[] = [location];
  let current = location;
  while (current !== ROOT) {
    const cut = current.lastIndexOf('/node_modules/');
    current = cut === -1 ? ROOT : current.slice(0, cut);
    out.push(current);
  }
  return out;
}

export function pickVersion(packument: Packument, range: string, chain: string[], locked?: string): PackumentVersion {
  const name = packument.name;
  const versions = packument.versions;
  const via = chain.length > 0 ? ` (required by ${chain.join(' > ')})` : '';
  if (isDistTagName(range)) {
    const tagged = packument['dist-tags'][range];
    const meta = tagged === undefined ? undefined : versions[tagged];
    if (!meta) throw new CircleError('NOT_FOUND', `${name} has no dist-tag "${range}"${via}`);
    return meta;
  }
  if (locked !== undefined && versions[locked] && semver.satisfies(locked, range)) return versions[locked]!;
  const all = Object.keys(versions).filter((v) => semver.valid(v) !== null);
  const live = all.filter((v) => versions[v]!.yanked !== true);
  const best = semver.maxSatisfying(live, range);
  if (best !== null) return versions[best]!;
  const yankedMatch = semver.maxSatisfying(all, range);
  const latest = semver.maxSatisfying(live, '*', { includePrerelease: true });
  throw new CircleError('NOT_FOUND', `No version of ${name} matches ${range}${via}${yankedMatch ? `; ${yankedMatch} matches but was yanked` : ''}${latest ? `; the newest is ${latest}` : ''}`, {
    details: { name, range, chain },
  });
}

export async function resolveGraph(input: ResolveInput): Promise<ResolveResult> {
  const maxNodes = input.maxNodes ?? 20_000;
  const cache = new Map<string, Promise<Packument>>();
  const fetchPackument = (name: string) => {
    let p = cache.get(name);
    if (!p) {
      p = input.packument(name);
      p.catch(() => undefined);
      cache.set(name, p);
    }
    return p;
  };
  const fetchPackumentFor = async (name: string, chain: string[]): Promise<Packument> => {
    try {
      return await fetchPackument(name);
    } catch (error) {
      if (error instanceof CircleError && error.code === 'NOT_FOUND') {
        throw new CircleError('NOT_FOUND', `Package ${name} is not in the registry (required by ${chain.join(' > ')})`, { details: { name, chain } });
      }
      throw error;
    }
  };
  const placed = new Map<string, ResolvedNode>();
  const queue: { location: string; deps: Record<string, string>; chain: string[] }[] = [{ location: ROOT, deps: input.dependencies, chain: [input.rootName] }];
  // Start every fetch of a level at once; the store answers them concurrently.
  const prefetch = (deps: Record<string, string>) => {
    for (const name of Object.keys(deps)) void fetchPackument(name).catch(() => undefined);
  };
  prefetch(input.dependencies);
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const name of Object.keys(parent.deps).sort()) {
      const range = parent.deps[name]!;
      // Names become folder names under node_modules: one from a hostile packument must not climb out.
      if (packageNameProblem(name) !== undefined || typeof range !== 'string' || !isRegistrySpec(range)) {
        throw new CircleError('INTEGRITY', `${parent.chain.join(' > ')} has an invalid dependency ${JSON.stringify(name.slice(0, 100))}`);
      }
      const nested = childLocation(parent.location, name);
      let nearest: ResolvedNode | undefined;
      for (const loc of ancestors(parent.location)) {
        nearest = placed.get(childLocation(loc, name));
        if (nearest) break;
      }
      let target: string;
      if (nearest) {
        // Reuse the visible copy only when it is exactly the version this edge would choose, so
        // every dependency gets the newest satisfying version (or its locked one); otherwise nest.
        const lockedNested = input.locked?.get(nested);
        const wanted = pickVersion(await fetchPackumentFor(name, parent.chain), range, parent.chain, lockedNested ?? input.locked?.get(nearest.location));
        if (nearest.version === wanted.version || nearest.location === nested) {
          if (nearest.version !== wanted.version) throw new CircleError('CONFLICT', `Cannot place ${name}@${range} for ${parent.chain.join(' > ')}: ${nested} already holds ${nearest.version}`);
          continue;
        }
        target = nested;
      } else {
        target = childLocation(ROOT, name);
      }
      const packument = await fetchPackumentFor(name, parent.chain);
      const meta = pickVersion(packument, range, parent.chain, input.locked?.get(target));
      const node: ResolvedNode = { location: target, name, version: meta.version, meta, chain: parent.chain };
      placed.set(target, node);
      if (placed.size > maxNodes) throw new CircleError('USAGE', `The dependency graph has more than ${maxNodes} packages`);
      const deps = meta.dependencies ?? {};
      prefetch(deps);
      queue.push({ location: target, deps, chain: [...parent.chain, `${name}@${meta.version}`] });
    }
  }
  const nodes = [...placed.values()].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  const deprecated = nodes.filter((n) => n.meta.deprecated).map((n) => ({ name: n.name, version: n.version, message: n.meta.deprecated! }));
  return { nodes, deprecated };
}
