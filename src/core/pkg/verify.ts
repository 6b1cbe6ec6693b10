import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { CircleError } from '../errors.js';
import type { VaultContext } from '../vault/context.js';
import { parseTarball } from './archive.js';
import { integrityMatches } from './integrity.js';
import { isLocalTarball, readLockfile } from './lockfile.js';
import type { RegistrySet } from './sources.js';
import { verifyPackageSignatures, type TrustedKey } from './signing.js';
import { registryRevocations } from './trust-view.js';
import type { PkgVerifyProblem, PkgVerifyResult, SignaturePolicy } from './types.js';

/**
 * `circle pkg verify`, like `npm audit signatures` and more: for every package in
 * the lockfile, the registry still has that version with the locked integrity, the
 * tarball matches it, a trusted key signed it, it is not yanked; and the files on
 * disk are exactly the tarball's (nothing changed, added or removed). Deprecation is
 * reported but does not fail.
 */
export interface VerifyOptions {
  ctx: VaultContext;
  projectDir: string;
  registries: RegistrySet;
  signatures: SignaturePolicy;
  trusted: readonly TrustedKey[];
}

const sha = (b: Buffer) => createHash('sha512').update(b).digest('hex');

/** Files under dir, relative, not descending into nested node_modules (other packages). */
async function filesOnDisk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name === 'node_modules' && rel === '') continue;
      out.push(...(await filesOnDisk(dir, p)));
    } else out.push(p);
  }
  return out;
}

export async function verifyInstalled(options: VerifyOptions): Promise<PkgVerifyResult> {
  const { ctx, projectDir, registries } = options;
  await ctx.require('pkg.install', projectDir);
  const lock = await readLockfile(projectDir);
  if (!lock) throw new CircleError('NOT_FOUND', 'No .circle/pkg-lock.json in this project', { hint: 'Run `circle pkg install` first.' });
  const problems: PkgVerifyProblem[] = [];
  let verified = 0;
  for (const [location, entry] of Object.entries(lock.packages)) {
    const add = (problem: PkgVerifyProblem['problem'], message: string) => problems.push({ location, name: entry.name, version: entry.version, problem, message });
    const before = problems.length;
    let tarball: Buffer | undefined;
    if (isLocalTarball(entry.resolved)) {
      tarball = await readFile(path.resolve(projectDir, entry.resolved.slice(5))).catch(() => undefined);
      if (!tarball) add('missing', `${entry.resolved} is gone; cannot re-check ${entry.name}`);
      else if (!integrityMatches(entry.integrity, tarball)) add('integrity', `${entry.resolved} no longer matches the locked integrity`);
    } else {
      const registry = registries.forName(entry.name);
      const found = await registry.packument(entry.name);
      const meta = found?.doc.versions[entry.version];
      if (!found || !meta) {
        add('not-in-registry', `${entry.name}@${entry.version} is not in the registry ${registry.url}`);
      } else {
        if (meta.dist.integrity !== entry.integrity) add('integrity', `the registry's integrity for ${entry.name}@${entry.version} differs from the lockfile's`);
        tarball = await registry.fetchTarball(meta).catch(() => undefined);
        if (!tarball) add('missing', `the tarball of ${entry.name}@${entry.version} is missing from the registry`);
        else if (!integrityMatches(entry.integrity, tarball)) add('integrity', `the registry's tarball of ${entry.name}@${entry.version} does not match the locked integrity`);
        if (options.signatures !== 'off') {
          const verdict = verifyPackageSignatures({
            name: entry.name,
            version: entry.version,
            integrity: entry.integrity,
            signatures: meta.dist.signatures,
            ...(found.doc.time[entry.version] ? { publishedAt: found.doc.time[entry.version] } : {}),
            trusted: options.trusted,
            registryRevocations: await registryRevocations(registry),
          });
          if (!verdict.ok && options.signatures === 'require') add('signature', verdict.message);
        }
        if (meta.yanked) add('yanked', `${entry.name}@${entry.version} was yanked`);
        if (meta.deprecated) problems.push({ location, name: entry.name, version: entry.version, problem: 'deprecated', message: `${entry.name}@${entry.version} is deprecated: ${meta.deprecated}` });
      }
    }
    if (tarball) {
      try {
        const archive = parseTarball(tarball, `${entry.name}@${entry.version}`);
        const dir = path.join(projectDir, location);
        const expected = new Map(archive.files.map((f) => [f.path, f.body]));
        const present = await filesOnDisk(dir);
        if (present.length === 0) add('missing', `${location} is not installed`);
        else {
          const changed: string[] = [];
          for (const file of present) {
            const want = expected.get(file);
            if (!want) changed.push(`+${file}`);
            else if (sha(await readFile(path.join(dir, file))) !== sha(want)) changed.push(`~${file}`);
          }
          const presentSet = new Set(present);
          for (const file of expected.keys()) if (!presentSet.has(file)) changed.push(`-${file}`);
          if (changed.length > 0) add('modified', `${location} differs from its tarball: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`);
        }
      } catch (error) {
        if (error instanceof CircleError) add('integrity', error.message);
        else throw error;
      }
    }
    if (problems.slice(before).every((p) => p.problem === 'deprecated')) verified++;
  }
  const ok = problems.every((p) => p.problem === 'deprecated');
  await ctx.record({ action: 'pkg.verify', outcome: ok ? 'success' : 'failure', target: projectDir, details: { packages: Object.keys(lock.packages).length, problems: problems.length } });
  return { verified, problems, ok };
}
