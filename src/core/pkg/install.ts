import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CircleError } from '../errors.js';
import { mapLimit } from '../storage/concurrency.js';
import type { VaultContext } from '../vault/context.js';
import { parseTarball, extractParsed, type ParsedArchive } from './archive.js';
import { digestTarball, integrityMatches } from './integrity.js';
import { checkLocation, isLocalTarball, readLockfile, writeLockfile, type PkgLock } from './lockfile.js';
import { parseManifest, parseSpec, readManifest, type PackageManifest } from './manifest.js';
import { tarballKeyOf } from './registry.js';
import { resolveGraph, type ResolvedNode } from './resolve.js';
import type { RegistrySet } from './sources.js';
import { verifyPackageSignatures, type TrustedKey } from './signing.js';
import type { PkgInstallResult, SignaturePolicy } from './types.js';
import { isNotFound, registryRevocations } from './trust-view.js';

/**
 * `circle pkg install`: resolve (or take the lockfile as it is with `frozen`),
 * fetch every tarball, and check every one (integrity against the packument and
 * the lockfile, a signature by a trusted unrevoked key, the hostile-archive
 * checks, the manifest inside naming the same package) BEFORE the first write.
 * Only then are packages extracted, each into a fresh staging folder renamed into
 * place, and the lockfile written.
 */
export interface InstallOptions {
  ctx: VaultContext;
  projectDir: string;
  registries: RegistrySet;
  /** `name`, `name@range`, `name@tag`, or a path to a `.tgz`. Empty: the project's dependencies. */
  specs: string[];
  frozen?: boolean;
  signatures: SignaturePolicy;
  trusted: readonly TrustedKey[];
  warn?: (text: string) => void;
}

interface Planned {
  location: string;
  name: string;
  version: string;
  resolved: string;
  integrity: string;
  keyid?: string;
  dependencies?: Record<string, string>;
  archive: ParsedArchive;
}

const FETCH_CONCURRENCY = 16;

function isFileSpec(spec: string): boolean {
  return spec.endsWith('.tgz') || spec.endsWith('.tar.gz') || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('file:');
}

async function readProjectManifest(dir: string): Promise<PackageManifest | undefined> {
  try {
    return await readManifest(dir);
  } catch (error) {
    if (error instanceof CircleError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

export async function installPackages(options: InstallOptions): Promise<PkgInstallResult> {
  const { ctx, projectDir, registries } = options;
  await ctx.require('pkg.install', projectDir);
  const warnings: string[] = [];
  const warn = (text: string) => {
    warnings.push(text);
    options.warn?.(text);
  };
  const project = await readProjectManifest(projectDir);
  const lock = await readLockfile(projectDir);

  // Local tarballs: checked like any other, installed at the top, never in the lockfile's registry part.
  const fileSpecs = options.specs.filter(isFileSpec);
  const registrySpecs = options.specs.filter((s) => !isFileSpec(s)).map(parseSpec);
  const locals: Planned[] = [];
  for (const spec of fileSpecs) locals.push(await planLocalTarball(projectDir, spec));

  const requires: Record<string, string> = { ...(lock?.requires ?? {}) };
  if (options.specs.length === 0 && project) {
    for (const [name, range] of Object.entries(project.dependencies ?? {})) {
      // Dependencies that live elsewhere (the public npm registry) are npm's to install.
      if (await registries.forName(name).packument(name)) requires[name] = range;
      else if (!(name in requires)) warn(`${name} is not in the circle registry; left for npm`);
    }
  }
  for (const { name, range } of registrySpecs) requires[name] = range;
  for (const local of locals) {
    delete requires[local.name];
    for (const [dep, range] of Object.entries(local.dependencies ?? {})) requires[dep] ??= range;
  }

  let nodes: { location: string; name: string; version: string; integrity: string; resolvedKey?: string; dependencies?: Record<string, string> }[];
  if (options.frozen) {
    if (!lock) throw new CircleError('USAGE', 'No .circle/pkg-lock.json to install from with --frozen-lockfile', { hint: 'Run `circle pkg install` without it once, and commit the lockfile.' });
    const missing = Object.entries(requires).filter(([name, range]) => lock.requires[name] !== range);
    if (missing.length > 0) {
      throw new CircleError('CHECK_FAILED', `The lockfile is out of date: ${missing.map(([n, r]) => `${n}@${r}`).join(', ')} not locked`, { hint: 'Run `circle pkg install` without --frozen-lockfile and commit the lockfile.' });
    }
    for (const [location, e] of Object.entries(lock.packages)) {
      if (!isLocalTarball(e.resolved) || locals.some((l) => l.location === location)) continue;
      const local = await planLocalTarball(projectDir, e.resolved);
      if (local.integrity !== e.integrity || local.location !== location) throw new CircleError('INTEGRITY', `${e.resolved} no longer matches the lockfile; nothing was installed`);
      locals.push(local);
    }
    nodes = Object.entries(lock.packages)
      .filter(([, e]) => !isLocalTarball(e.resolved))
      .map(([location, e]) => ({ location, name: e.name, version: e.version, integrity: e.integrity, ...(e.dependencies ? { dependencies: e.dependencies } : {}) }));
  } else {
    const locked = new Map(Object.entries(lock?.packages ?? {}).map(([loc, e]) => [loc, e.version]));
    const resolved = await resolveGraph({
      rootName: project?.name ?? path.basename(projectDir),
      dependencies: requires,
      packument: (name) => registries.forName(name).requirePackument(name),
      locked,
    });
    for (const d of resolved.deprecated) warn(`${d.name}@${d.version} is deprecated: ${d.message}`);
    nodes = resolved.nodes.map((n: ResolvedNode) => ({ location: n.location, name: n.name, version: n.version, integrity: n.meta.dist.integrity, ...(n.meta.dependencies ? { dependencies: n.meta.dependencies } : {}) }));
    // A version locked before must not change its tarball under the same version number.
    for (const n of nodes) {
      const before = lock?.packages[n.location];
      if (before && before.version === n.version && before.integrity !== n.integrity) {
        throw new CircleError('INTEGRITY', `${n.name}@${n.version} in the registry has integrity ${n.integrity.slice(0, 20)}…, but the lockfile recorded ${before.integrity.slice(0, 20)}…`, { hint: 'The registry copy was replaced. Nothing was installed.' });
      }
    }
  }

  // Fetch and check everything before writing anything.
  const planned = await mapLimit(nodes, FETCH_CONCURRENCY, async (node) => {
    checkLocation(node.location, node.name);
    const registry = registries.forName(node.name);
    const packument = await registry.requirePackument(node.name);
    const meta = packument.versions[node.version];
    if (!meta) throw new CircleError('NOT_FOUND', `${node.name}@${node.version} is no longer in the registry`);
    if (meta.dist.integrity !== node.integrity) {
      throw new CircleError('INTEGRITY', `${node.name}@${node.version}: the registry's integrity differs from the lockfile's`, { hint: 'The registry copy was replaced. Nothing was installed.' });
    }
    const bytes = await registry.fetchTarball(meta);
    if (!integrityMatches(meta.dist.integrity, bytes)) {
      throw new CircleError('INTEGRITY', `${node.name}@${node.version}: the tarball does not match its integrity ${meta.dist.integrity.slice(0, 24)}…`, { hint: 'The tarball was tampered with or corrupted. Nothing was installed.' });
    }
    let keyid: string | undefined;
    if (options.signatures !== 'off') {
      const verdict = verifyPackageSignatures({
        name: node.name,
        version: node.version,
        integrity: meta.dist.integrity,
        signatures: meta.dist.signatures,
        ...(packument.time[node.version] ? { publishedAt: packument.time[node.version] } : {}),
        trusted: options.trusted,
        registryRevocations: await registryRevocations(registry),
      });
      if (verdict.ok) keyid = verdict.keyid;
      else if (options.signatures === 'require') throw new CircleError('INTEGRITY', `${verdict.message}; nothing was installed`, { hint: verdict.reason === 'untrusted' || verdict.reason === 'unsigned' ? 'Trust the publisher with `circle pkg trust add`, or set pkg.signatures to warn.' : 'Do not install this version.' });
      else warn(verdict.message);
    }
    const archive = parseTarball(bytes, `${node.name}@${node.version}`);
    checkInnerManifest(archive, node.name, node.version);
    return {
      location: node.location,
      name: node.name,
      version: node.version,
      resolved: `${registry.url}/${tarballKeyOf(meta)}`,
      integrity: meta.dist.integrity,
      ...(keyid ? { keyid } : {}),
      ...(node.dependencies ? { dependencies: node.dependencies } : {}),
      archive,
    } satisfies Planned;
  });
  const all = [...locals, ...planned].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  const seen = new Set<string>();
  for (const p of all) {
    if (seen.has(p.location)) throw new CircleError('CONFLICT', `Two packages want ${p.location}`);
    seen.add(p.location);
  }

  await writeTree(projectDir, all, lock);
  const next: PkgLock = {
    lockfileVersion: 1,
    registry: registries.defaultRegistry.url,
    requires,
    packages: Object.fromEntries(
      all.map((p) => [p.location, { name: p.name, version: p.version, resolved: p.resolved, integrity: p.integrity, ...(p.keyid ? { keyid: p.keyid } : {}), ...(p.dependencies ? { dependencies: p.dependencies } : {}) }]),
    ),
  };
  await writeLockfile(projectDir, next);
  await ctx.record({ action: 'pkg.install', outcome: 'success', target: projectDir, details: { packages: all.map((p) => `${p.name}@${p.version}`).slice(0, 200), count: all.length } });
  return {
    installed: all.map((p) => ({ name: p.name, version: p.version, location: p.location, integrity: p.integrity, ...(p.keyid ? { keyid: p.keyid } : {}) })),
    lockfile: path.join(projectDir, '.circle', 'pkg-lock.json'),
    warnings,
  };
}

async function planLocalTarball(projectDir: string, spec: string): Promise<Planned> {
  const file = path.resolve(projectDir, spec.replace(/^file:/, ''));
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CircleError('NOT_FOUND', `No such tarball: ${spec}`);
    throw error;
  }
  const archive = parseTarball(bytes, path.basename(file));
  const manifest = manifestOf(archive, path.basename(file));
  const { integrity } = digestTarball(bytes);
  return {
    location: `node_modules/${manifest.name}`,
    name: manifest.name,
    version: manifest.version,
    resolved: `file:${path.relative(projectDir, file).split(path.sep).join('/')}`,
    integrity,
    ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
    archive,
  };
}

export function manifestOf(archive: ParsedArchive, source: string): PackageManifest {
  const file = archive.files.find((f) => f.path === 'package.json');
  if (!file) throw new CircleError('INTEGRITY', `${source} has no package.json`);
  try {
    return parseManifest(file.body.toString('utf8'), `${source}: package.json`);
  } catch (error) {
    if (error instanceof CircleError) throw new CircleError('INTEGRITY', error.message);
    throw error;
  }
}

function checkInnerManifest(archive: ParsedArchive, name: string, version: string): void {
  const manifest = manifestOf(archive, `${name}@${version}`);
  if (manifest.name !== name || manifest.version !== version) {
    throw new CircleError('INTEGRITY', `The tarball of ${name}@${version} holds ${manifest.name}@${manifest.version}; nothing was installed`);
  }
}

/**
 * Extracts every package into a staging folder inside node_modules, then swaps it
 * into place (parents before children, so a replaced parent takes its old nested
 * packages with it). Packages the previous lockfile placed and this one does not are removed.
 */
async function writeTree(projectDir: string, planned: Planned[], previous: PkgLock | undefined): Promise<void> {
  const modules = path.join(projectDir, 'node_modules');
  await mkdir(modules, { recursive: true });
  // A repository could ship node_modules (or node_modules/@scope) as a symlink to elsewhere:
  // check every folder a package is written through before the first write.
  for (const p of planned) await refuseSymlinkedParents(projectDir, p.location);
  const staging = path.join(modules, `.circle-staging-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    const keep = new Set(planned.map((p) => p.location));
    for (const [location, entry] of Object.entries(previous?.packages ?? {})) {
      if (keep.has(location)) continue;
      checkLocation(location, entry.name);
      await rm(path.join(projectDir, location), { recursive: true, force: true });
    }
    let i = 0;
    for (const p of planned) {
      const fresh = path.join(staging, String(i++));
      await extractParsed(p.archive, fresh, `${p.name}@${p.version}`);
      const target = path.join(projectDir, p.location);
      await mkdir(path.dirname(target), { recursive: true });
      const old = path.join(staging, `old-${i}`);
      await rename(target, old).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rename(fresh, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function refuseSymlinkedParents(projectDir: string, location: string): Promise<void> {
  const parts = location.split('/');
  let current = projectDir;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    const st = await lstat(current).catch(() => undefined);
    if (st === undefined) return;
    if (!st.isDirectory()) {
      throw new CircleError('INTEGRITY', `${path.relative(projectDir, current)} is a ${st.isSymbolicLink() ? 'symbolic link' : 'file'}, not a folder; nothing was installed`, { hint: 'Remove it (and check how it got there), then install again.' });
    }
  }
}

export { isNotFound };
