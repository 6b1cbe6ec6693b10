import semver from 'semver';
import { CircleError } from '../errors.js';
import type { VaultContext } from '../vault/context.js';
import { assertPackageName, isDistTagName } from './manifest.js';
import type { Registry } from './registry.js';
import type { PkgChangeResult, PkgDistTagResult, PkgInfoResult, PkgSearchResult } from './types.js';

/** The registry verbs besides publish and install: info, search, deprecate, yank, dist-tag. */
export async function packageInfo(registry: Registry, name: string): Promise<PkgInfoResult> {
  assertPackageName(name);
  const doc = await registry.requirePackument(name);
  const versions = Object.keys(doc.versions)
    .filter((v) => semver.valid(v))
    .sort(semver.compare);
  const latestVersion = doc['dist-tags'].latest;
  const latest = latestVersion ? doc.versions[latestVersion] : undefined;
  return {
    name,
    ...(doc.description ? { description: doc.description } : {}),
    distTags: doc['dist-tags'],
    versions: versions.map((v) => {
      const meta = doc.versions[v]!;
      return {
        version: v,
        ...(doc.time[v] ? { published: doc.time[v] } : {}),
        ...(meta.deprecated ? { deprecated: meta.deprecated } : {}),
        yanked: meta.yanked === true,
        signed: (meta.dist.signatures ?? []).length > 0,
        keyids: (meta.dist.signatures ?? []).map((s) => s.keyid),
      };
    }),
    ...(latest
      ? {
          latest: {
            version: latest.version,
            dependencies: latest.dependencies ?? {},
            integrity: latest.dist.integrity,
            ...(latest.dist.fileCount !== undefined ? { fileCount: latest.dist.fileCount } : {}),
            ...(latest.dist.unpackedSize !== undefined ? { unpackedSize: latest.dist.unpackedSize } : {}),
          },
        }
      : {}),
  };
}

/** Every word of the query must appear in the name, a keyword or the description (case-insensitive). */
export async function searchPackages(registry: Registry, query: string, limit = 50): Promise<PkgSearchResult> {
  const index = await registry.searchIndex();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const results = Object.entries(index.packages)
    .filter(([name, e]) => {
      const hay = `${name} ${(e.keywords ?? []).join(' ')} ${e.description ?? ''}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .map(([name, e]) => ({ name, ...e }))
    .sort((a, b) => {
      const exact = Number(b.name === query) - Number(a.name === query);
      return exact || (a.name < b.name ? -1 : 1);
    })
    .slice(0, limit);
  return { query, results };
}

/** npm's `deprecate <name>@<range> <message>`: an empty message un-deprecates. */
export async function deprecateVersions(ctx: VaultContext, registry: Registry, name: string, range: string, message: string): Promise<PkgChangeResult> {
  assertPackageName(name);
  if (semver.validRange(range) === null) throw new CircleError('USAGE', `Invalid version range ${JSON.stringify(range.slice(0, 100))}`);
  await ctx.require('pkg.publish', `${name}@${range}`);
  const versions = await registry.updatePackument(name, (doc) => {
    const hit = Object.keys(doc.versions).filter((v) => semver.satisfies(v, range, { includePrerelease: true }));
    if (hit.length === 0) throw new CircleError('NOT_FOUND', `No version of ${name} matches ${range}`);
    for (const v of hit) {
      if (message === '') delete doc.versions[v]!.deprecated;
      else doc.versions[v]!.deprecated = message;
    }
    return { doc, result: hit.sort(semver.compare) };
  });
  const action = message === '' ? 'undeprecate' : 'deprecate';
  await ctx.record({ action: 'pkg.deprecate', outcome: 'success', target: `${name}@${range}`, details: { versions, message } });
  return { name, versions: versions ?? [], action, ...(message ? { message } : {}) };
}

/** Cargo's yank: resolution skips the version unless a lockfile holds it; the tarball stays. */
export async function setYanked(ctx: VaultContext, registry: Registry, name: string, version: string, yanked: boolean): Promise<PkgChangeResult> {
  assertPackageName(name);
  await ctx.require('pkg.publish', `${name}@${version}`);
  await registry.updatePackument(name, (doc) => {
    const meta = doc.versions[version];
    if (!meta) throw new CircleError('NOT_FOUND', `${name}@${version} is not in the registry`);
    if ((meta.yanked === true) === yanked) return undefined;
    if (yanked) meta.yanked = true;
    else delete meta.yanked;
    return { doc, result: undefined };
  });
  await ctx.record({ action: yanked ? 'pkg.yank' : 'pkg.unyank', outcome: 'success', target: `${name}@${version}` });
  return { name, versions: [version], action: yanked ? 'yank' : 'unyank' };
}

export async function distTags(registry: Registry, name: string): Promise<PkgDistTagResult> {
  assertPackageName(name);
  return { name, distTags: (await registry.requirePackument(name))['dist-tags'] };
}

export async function setDistTag(ctx: VaultContext, registry: Registry, name: string, tag: string, version: string | undefined): Promise<PkgDistTagResult> {
  assertPackageName(name);
  if (!isDistTagName(tag)) throw new CircleError('USAGE', `Invalid dist-tag ${JSON.stringify(tag.slice(0, 64))}`);
  await ctx.require('pkg.publish', `${name}@${tag}`);
  const tags = await registry.updatePackument(name, (doc) => {
    if (version === undefined) {
      if (tag === 'latest') throw new CircleError('USAGE', 'The latest tag cannot be removed');
      if (!(tag in doc['dist-tags'])) throw new CircleError('NOT_FOUND', `${name} has no dist-tag ${tag}`);
      delete doc['dist-tags'][tag];
    } else {
      if (!doc.versions[version]) throw new CircleError('NOT_FOUND', `${name}@${version} is not in the registry`);
      doc['dist-tags'][tag] = version;
    }
    return { doc, result: doc['dist-tags'] };
  });
  await ctx.record({ action: version === undefined ? 'pkg.dist-tag.rm' : 'pkg.dist-tag.add', outcome: 'success', target: `${name}@${tag}`, ...(version ? { details: { version } } : {}) });
  return { name, distTags: tags ?? {} };
}

/** Publishes a key revocation in the registry's keys document, so every consumer learns it. */
export async function publishRevocation(registry: Registry, keyid: string, revokedAt: string): Promise<boolean> {
  const changed = await registry.updateKeys((doc) => {
    const key = doc.keys.find((k) => k.keyid === keyid);
    if (!key || key.expires !== null) return undefined;
    key.expires = revokedAt;
    return { doc, result: true };
  });
  return changed === true;
}
