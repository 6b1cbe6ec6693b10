import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { resolveGraph, type ResolvedNode } from '../../../src/core/pkg/resolve.js';
import type { Packument } from '../../../src/core/pkg/packument.js';
import { CircleError } from '../../../src/core/errors.js';

/**
 * Resolution properties over random registries: packages p0…pN, each with random
 * versions (some prereleases, some yanked) whose dependencies point at later
 * packages with ranges of every kind npm writes.
 */
const versionArb = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }))
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre === null ? '' : `-beta.${pre}`}`);

const rangeArb = fc.tuple(fc.constantFrom('^', '~', '>=', '', '<', '*'), versionArb).map(([op, v]) => (op === '*' ? '*' : `${op}${v}`));

interface World {
  packuments: Map<string, Packument>;
  rootDeps: Record<string, string>;
}

const worldArb: fc.Arbitrary<World> = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc
    .tuple(
      fc.array(
        fc.uniqueArray(fc.record({ version: versionArb, yanked: fc.integer({ min: 0, max: 4 }).map((x) => x === 0), deps: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), rangeArb), { maxLength: 3 }) }), {
          minLength: 1,
          maxLength: 6,
          selector: (v) => v.version,
        }),
        { minLength: n, maxLength: n },
      ),
      fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), rangeArb), { minLength: 1, maxLength: 4 }),
    )
    .map(([pkgs, root]) => {
      const packuments = new Map<string, Packument>();
      pkgs.forEach((versions, i) => {
        const name = `p${i}`;
        const doc: Packument = { name, 'dist-tags': {}, versions: {}, time: {} };
        for (const v of versions) {
          // Only later packages: the graph is a DAG, as most real graphs are.
          const deps = Object.fromEntries(v.deps.filter(([j]) => j > i).map(([j, r]) => [`p${j}`, r]));
          doc.versions[v.version] = { name, version: v.version, dependencies: deps, dist: { tarball: `${name}/-/${name}-${v.version}.tgz`, integrity: 'sha512-x' }, ...(v.yanked ? { yanked: true } : {}) };
        }
        packuments.set(name, doc);
      });
      return { packuments, rootDeps: Object.fromEntries(root.map(([j, r]) => [`p${j}`, r])) };
    }),
);

async function resolve(world: World, locked?: Map<string, string>) {
  return resolveGraph({
    rootName: 'root',
    dependencies: world.rootDeps,
    packument: async (name) => {
      const p = world.packuments.get(name);
      if (!p) throw new CircleError('NOT_FOUND', name);
      return p;
    },
    ...(locked ? { locked } : {}),
  });
}

/** The node Node's resolver finds for `name` from a package at `from`. */
function lookup(byLocation: Map<string, ResolvedNode>, from: string, name: string): ResolvedNode | undefined {
  let dir = from;
  for (;;) {
    const hit = byLocation.get(dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`);
    if (hit) return hit;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

function best(p: Packument, range: string): string | null {
  return semver.maxSatisfying(Object.keys(p.versions).filter((v) => !p.versions[v]!.yanked), range);
}

describe('resolution properties (fast-check)', () => {
  it('every edge gets the newest satisfying non-yanked version, found where Node looks', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        let result;
        try {
          result = await resolve(world);
        } catch (error) {
          // Unsatisfiable: some edge has no satisfying live version; say which and check it is true.
          expect(error).toBeInstanceOf(CircleError);
          const { name, range } = (error as CircleError).details as { name: string; range: string };
          expect(best(world.packuments.get(name)!, range)).toBeNull();
          return;
        }
        const byLocation = new Map(result.nodes.map((n) => [n.location, n]));
        const edges: [string, Record<string, string>][] = [['', world.rootDeps], ...result.nodes.map((n) => [n.location, n.meta.dependencies ?? {}] as [string, Record<string, string>])];
        for (const [from, deps] of edges) {
          for (const [name, range] of Object.entries(deps)) {
            const found = lookup(byLocation, from, name);
            expect(found, `${from} -> ${name}@${range}`).toBeDefined();
            expect(semver.satisfies(found!.version, range)).toBe(true);
            expect(found!.version).toBe(best(world.packuments.get(name)!, range));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the lockfile reproduces the same tree, even after newer versions are published and old ones yanked', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        let first;
        try {
          first = await resolve(world);
        } catch {
          return;
        }
        const locked = new Map(first.nodes.map((n) => [n.location, n.version]));
        // Newer versions of everything appear, and every locked version is yanked.
        for (const p of world.packuments.values()) {
          for (const meta of Object.values(p.versions)) meta.yanked = true;
          p.versions['9.9.9'] = { name: p.name, version: '9.9.9', dependencies: {}, dist: { tarball: `${p.name}/-/${p.name}-9.9.9.tgz`, integrity: 'sha512-x' } };
        }
        const again = await resolve(world, locked);
        expect(again.nodes.map((n) => `${n.location}@${n.version}`)).toEqual(first.nodes.map((n) => `${n.location}@${n.version}`));
      }),
      { numRuns: 200 },
    );
  });
});
