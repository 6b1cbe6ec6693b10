import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { CircleError } from '../errors.js';
import type { OsvIndex } from '../scan/osv/store.js';
import type { VaultContext } from '../vault/context.js';
import { DEFAULT_LIMITS, extractParsed, parseTarball, type ParsedArchive } from './archive.js';
import { digestTarball } from './integrity.js';
import { manifestOf } from './install.js';
import { activePublisherKey } from './keystore.js';
import { assertPackageName, assertVersion, isDistTagName, type PackageManifest } from './manifest.js';
import { packDirectory, tarballFilename } from './pack.js';
import { ed25519Spki } from '../crypto/ed25519.js';
import type { Registry } from './registry.js';
import { signPackage } from './signing.js';
import type { PkgFinding, PkgPublishResult } from './types.js';

/**
 * `circle pkg publish`: pack (or take a tarball), check it like an install would,
 * run the secret and dependency scanners over the files that would be published,
 * sign `${name}@${version}:${integrity}` with the vault's publisher key, upload the
 * tarball create-only and add the version to the packument by compare-and-swap.
 */
export type PublishFailOn = 'low' | 'moderate' | 'high' | 'critical' | 'none';

export interface PublishOptions {
  ctx: VaultContext;
  registry: Registry;
  /** A package folder or a `.tgz`. */
  source: string;
  tag?: string;
  dryRun?: boolean;
  failOn: PublishFailOn;
  /** The advisory database, when there is one; without it the dependency gate is skipped with a warning. */
  advisories?: OsvIndex;
  warn?: (text: string) => void;
}

/** Largest tarball a publish accepts. */
export const MAX_PUBLISH_BYTES = 64 * 1024 * 1024;
const SEVERITY_ORDER = ['low', 'moderate', 'high', 'critical'] as const;

interface Candidate {
  manifest: PackageManifest;
  tarball: Buffer;
  archive: ParsedArchive;
}

async function candidateFrom(source: string): Promise<Candidate> {
  if (/\.(tgz|tar\.gz)$/.test(source)) {
    const tarball = await readFile(source).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new CircleError('NOT_FOUND', `No such tarball: ${source}`);
      throw error;
    });
    if (tarball.length > MAX_PUBLISH_BYTES) throw new CircleError('USAGE', `${source} is larger than the ${MAX_PUBLISH_BYTES}-byte publish cap`);
    const archive = parseTarball(tarball, path.basename(source));
    return { manifest: manifestOf(archive, path.basename(source)), tarball, archive };
  }
  const packed = await packDirectory(source);
  if (packed.tarball.length > MAX_PUBLISH_BYTES) throw new CircleError('USAGE', `The package packs to ${packed.tarball.length} bytes, over the ${MAX_PUBLISH_BYTES}-byte publish cap`);
  // Our own tarball goes through the same hostile-archive checks as anyone else's.
  return { manifest: packed.manifest, tarball: packed.tarball, archive: parseTarball(packed.tarball, packed.filename) };
}

async function runGates(archive: ParsedArchive, options: PublishOptions): Promise<PkgFinding[]> {
  if (options.failOn === 'none') return [];
  const dir = await mkdtemp(path.join(tmpdir(), 'circle-publish-'));
  try {
    const root = path.join(dir, 'package');
    await extractParsed(archive, root, 'publish', DEFAULT_LIMITS);
    const findings: PkgFinding[] = [];
    const { scanSecrets } = await import('../scan/secrets/scanner.js');
    const secrets = await scanSecrets({ root, source: 'tree', gitignore: false });
    for (const f of secrets.findings) findings.push({ kind: 'secret', severity: f.severity, message: f.message, location: `${f.location.path}:${f.location.line}` });
    if (options.advisories) {
      const { scanDependencies } = await import('../scan/deps/scan.js');
      const deps = await scanDependencies({ root, index: options.advisories, omitDev: true });
      const threshold = SEVERITY_ORDER.indexOf(options.failOn);
      for (const v of deps.vulnerabilities) {
        if (SEVERITY_ORDER.indexOf(v.severity as (typeof SEVERITY_ORDER)[number]) < threshold) continue;
        findings.push({ kind: 'vulnerability', severity: v.severity, message: `${v.name}@${v.version}: ${v.advisories.map((a) => a.id).join(', ')}`, location: `${v.lockfile}:${v.line}` });
      }
    } else if (archive.files.some((f) => /(^|\/)(npm-shrinkwrap\.json|package-lock\.json|yarn\.lock|pnpm-lock\.yaml)$/.test(f.path))) {
      options.warn?.('The package holds a lockfile but there is no advisory database: dependencies were not scanned (run `circle scan db update`).');
    }
    return findings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function publishPackage(options: PublishOptions): Promise<PkgPublishResult> {
  const { ctx, registry } = options;
  const candidate = await candidateFrom(options.source);
  const { manifest, tarball, archive } = candidate;
  assertPackageName(manifest.name);
  assertVersion(manifest.version);
  await ctx.require('pkg.publish', `${manifest.name}@${manifest.version}`);
  if (manifest.private === true) throw new CircleError('USAGE', `${manifest.name} is marked private: true and cannot be published`);
  const tag = options.tag ?? 'latest';
  if (!isDistTagName(tag)) throw new CircleError('USAGE', `Invalid dist-tag ${JSON.stringify(tag.slice(0, 64))}`, { hint: 'A tag is a word like latest or next, not a version range.' });
  const { integrity, shasum } = digestTarball(tarball);
  const base: PkgPublishResult = {
    name: manifest.name,
    version: manifest.version,
    registry: registry.url,
    tag,
    integrity,
    dryRun: options.dryRun === true,
    published: false,
    findings: [],
    files: archive.files.length,
    unpackedSize: archive.unpackedSize,
  };
  const existing = await registry.packument(manifest.name);
  if (existing?.doc.versions[manifest.version]) {
    throw new CircleError('ALREADY_EXISTS', `${manifest.name}@${manifest.version} is already published`, { hint: 'Versions are immutable: bump the version.' });
  }
  base.findings = await runGates(archive, options);
  if (base.findings.length > 0) {
    await ctx.record({ action: 'pkg.publish', outcome: 'failure', target: `${manifest.name}@${manifest.version}`, reason: 'gate', details: { findings: base.findings.length } });
    return base;
  }
  const key = await activePublisherKey(ctx);
  let signature;
  try {
    signature = signPackage(key.seed, key.publicKey, manifest.name, manifest.version, integrity);
  } finally {
    key.seed.fill(0);
  }
  base.keyid = signature.keyid;
  if (options.dryRun) return base;

  const tarballKey = await registry.putTarball(manifest.name, manifest.version, tarball, integrity);
  const now = new Date().toISOString();
  await registry.updatePackument(
    manifest.name,
    (doc) => {
      if (doc.versions[manifest.version]) {
        throw new CircleError('ALREADY_EXISTS', `${manifest.name}@${manifest.version} is already published`, { hint: 'Versions are immutable: bump the version.' });
      }
      doc.versions[manifest.version] = {
        ...manifest,
        name: manifest.name,
        version: manifest.version,
        dist: { tarball: tarballKey, integrity, shasum, fileCount: archive.files.length, unpackedSize: archive.unpackedSize, signatures: [signature] },
      };
      doc.time[manifest.version] = now;
      const current = doc['dist-tags'][tag];
      // `latest` only moves forward and never to a prerelease unless asked for by name.
      const moveTag = tag !== 'latest' || ((semver.prerelease(manifest.version) === null) && (current === undefined || semver.gt(manifest.version, current)));
      if (moveTag) doc['dist-tags'][tag] = manifest.version;
      if (doc['dist-tags'][tag] === manifest.version && tag === 'latest') {
        if (manifest.description !== undefined) doc.description = manifest.description;
        if (manifest.keywords !== undefined) doc.keywords = manifest.keywords;
      }
      return { doc, result: undefined };
    },
    { create: true },
  );
  await registry.updateKeys((doc) => {
    if (doc.keys.some((k) => k.keyid === key.keyid)) return undefined;
    doc.keys.push({ keyid: key.keyid, keytype: 'ed25519', scheme: 'ed25519', key: ed25519Spki(key.publicKey).toString('base64'), expires: null });
    return { doc, result: undefined };
  });
  const after = await registry.packument(manifest.name);
  if (after) await registry.indexPackage(after.doc);
  await ctx.record({ action: 'pkg.publish', outcome: 'success', target: `${manifest.name}@${manifest.version}`, details: { registry: registry.url, integrity, keyid: key.keyid, tag } });
  return { ...base, published: true };
}

export { tarballFilename };
