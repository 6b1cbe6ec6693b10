import type { Authorizer } from '../../authz/authorizer.js';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CircleError, isCircleError } from '../../errors.js';
import { SEVERITIES, type Severity } from '../report/types.js';
import { matchEncoded } from '../osv/match.js';
import { candidateRef, forEachCandidate } from '../osv/match-entry.js';
import type { AdvisoryDetails, AdvisoryRef } from '../osv/names.js';
import { corrupt, type OsvIndex } from '../osv/store.js';
import { discoverLockfiles, type DiscoveredLockfile } from './discover.js';
import { decideIgnore, type IgnoreRules } from './ignore.js';
import { lockfileKindOf, manifestNameFor, parseLockfile } from './parsers/index.js';
import type { Ecosystem, LockfileKind, Package } from './types.js';
import { malformedLockfile } from './errors.js';

export interface FoundAdvisory {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  score?: number;
  /** The CVSS vector the score came from. */
  vector?: string;
  /** Lowest version that fixes it, when the advisory records one. */
  fixed?: string;
  url?: string;
}

export interface VulnerablePackage {
  /** Lockfile path relative to the scan root, forward slashes. */
  lockfile: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  direct: boolean;
  dev: boolean;
  line: number;
  /** Chain from a direct dependency down to the parent (empty for a direct dependency). */
  introducedVia: string[];
  advisories: FoundAdvisory[];
  /** Highest severity among the advisories. */
  severity: Severity;
}

export interface IgnoredFinding {
  lockfile: string;
  name: string;
  version: string;
  id: string;
  reason: string;
  expires: string;
}

export interface ScannedLockfile {
  path: string;
  kind: LockfileKind;
  packages: number;
  error?: string;
}

export interface DepsScanResult {
  root: string;
  lockfiles: ScannedLockfile[];
  /** Packages scanned (after --omit dev). */
  packages: number;
  vulnerabilities: VulnerablePackage[];
  ignored: IgnoredFinding[];
  /** Non-fatal problems: malformed lockfiles, expired ignores. */
  warnings: string[];
  /** Every package scanned, for SBOM output; omitted from JSON by the command. */
  inventory: (Package & { lockfile: string })[];
}

export interface ScanOptions {
  /**
   * The principal a scan runs for, when there is one (a server, a library user
   * holding an unlocked vault): its role must allow `scan.run`. The CLI scans
   * local files as the OS user and passes none.
   */
  authorizer?: Authorizer;
  root: string;
  /** Specific lockfiles (relative to cwd or absolute); discovery when absent. */
  lockfiles?: string[];
  index: OsvIndex;
  omitDev?: boolean;
  ignore?: IgnoreRules;
  now?: Date;
  onProgress?: (text: string) => void;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return (rel === '' || rel.startsWith('..') ? file : rel).split(path.sep).join('/');
}

async function readLockfileInput(
  entry: DiscoveredLockfile,
  scanRoot: string,
): Promise<{ text: string; manifest?: string; readInclude: (rel: string, from?: string) => { file: string; text: string } | undefined }> {
  const text = await readFile(entry.file, 'utf8');
  const manifestName = manifestNameFor(entry.kind);
  const manifestPath = manifestName ? path.join(path.dirname(entry.file), manifestName) : undefined;
  const manifest = manifestPath && existsSync(manifestPath) ? await readFile(manifestPath, 'utf8') : undefined;
  // An include is relative to the file that names it (pip's rule), which may itself be an include.
  const absolute = new Map<string, string>([[relative(scanRoot, entry.file), entry.file]]);
  const readInclude = (rel: string, from?: string) => {
    const nested = path.resolve(path.dirname((from === undefined ? undefined : absolute.get(from)) ?? entry.file), rel);
    if (!existsSync(nested)) return undefined;
    const shown = relative(scanRoot, nested);
    absolute.set(shown, nested);
    return { file: shown, text: readFileSync(nested, 'utf8') };
  };
  return { text, ...(manifest === undefined ? {} : { manifest }), readInclude };
}

/**
 * Scans a project's lockfiles against the advisory index. A lockfile that cannot
 * be parsed becomes a warning (and its entry carries the error) so the others are
 * still scanned; when the user named exactly one lockfile its error is thrown.
 */
export async function scanDependencies(options: ScanOptions): Promise<DepsScanResult> {
  await options.authorizer?.require('scan.run', options.root);
  const root = path.resolve(options.root);
  const now = options.now ?? new Date();
  let targets: DiscoveredLockfile[];
  if (options.lockfiles && options.lockfiles.length > 0) {
    targets = options.lockfiles.map((f) => {
      const file = path.resolve(f);
      const kind = lockfileKindOf(file, true);
      if (!kind) throw new CircleError('USAGE', `Not a lockfile circle knows: ${f}`, { hint: 'Supported: package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock, requirements*.txt, poetry.lock, Pipfile.lock, uv.lock, Cargo.lock, go.mod, Gemfile.lock, composer.lock.' });
      if (!existsSync(file)) throw new CircleError('NOT_FOUND', `No such lockfile: ${f}`);
      return { file, kind };
    });
  } else {
    options.onProgress?.('Finding lockfiles');
    targets = await discoverLockfiles(root);
  }
  const result: DepsScanResult = { root, lockfiles: [], packages: 0, vulnerabilities: [], ignored: [], warnings: [], inventory: [] };
  const expiredSeen = new Set<string>();
  const noRecords = new Set<Ecosystem>();
  for (const [i, target] of targets.entries()) {
    const rel = relative(root, target.file);
    options.onProgress?.(`Scanning ${rel} (${i + 1}/${targets.length})`);
    let packages: Package[];
    try {
      const input = await readLockfileInput(target, root);
      const parsed = await parseLockfile(target.kind, { file: rel, ...input });
      const problem = parsed.problems?.[0];
      // A lockfile the user named must be read whole: a line we cannot read is a usage error (exit 2).
      if (problem && options.lockfiles) throw malformedLockfile(problem.file, problem.reason, problem.line);
      for (const p of parsed.problems ?? []) result.warnings.push(`${p.file}:${p.line}: ${p.reason} (skipped)`);
      result.warnings.push(...(parsed.warnings ?? []));
      packages = parsed.packages;
    } catch (error) {
      if (options.lockfiles) throw error;
      const message = isCircleError(error) ? error.message : `Cannot read ${rel}: ${(error as Error).message}`;
      result.lockfiles.push({ path: rel, kind: target.kind, packages: 0, error: message });
      result.warnings.push(message);
      continue;
    }
    if (options.omitDev) packages = packages.filter((p) => !p.dev);
    result.lockfiles.push({ path: rel, kind: target.kind, packages: packages.length });
    result.packages += packages.length;
    // The parsed packages are ours: label them rather than copy 5,000 objects.
    for (const pkg of packages) result.inventory.push(Object.assign(pkg, { lockfile: rel }));
    const { found: affected, missingEcosystems } = findAdvisories(options.index, packages);
    for (const ecosystem of missingEcosystems) {
      if (noRecords.has(ecosystem)) continue;
      noRecords.add(ecosystem);
      result.warnings.push(`The advisory database has no ${ecosystem} records, so ${ecosystem} packages were not checked; run \`circle scan db update\` (or import a ${ecosystem} zip) to add them.`);
    }
    for (const { pkg, advisories } of affected) {
      const found: FoundAdvisory[] = [];
      for (const { advisory: adv, fixed } of advisories) {
        const decision = options.ignore ? decideIgnore(options.ignore, [adv.id, ...adv.aliases], pkg.name, now) : { ignored: false as const };
        if (decision.ignored) {
          result.ignored.push({ lockfile: rel, name: pkg.name, version: pkg.version, id: adv.id, reason: decision.entry.reason, expires: decision.entry.expires.toISOString().slice(0, 10) });
          continue;
        }
        if (decision.expired && !expiredSeen.has(`${decision.expired.id}\0${pkg.name}`)) {
          expiredSeen.add(`${decision.expired.id}\0${pkg.name}`);
          result.warnings.push(`The ignore for ${decision.expired.id} (${pkg.name}) expired on ${decision.expired.expires.toISOString().slice(0, 10)}; it is reported again.`);
        }
        found.push({
          id: adv.id,
          aliases: adv.aliases,
          summary: adv.summary,
          severity: adv.severity,
          ...(adv.score === undefined ? {} : { score: adv.score }),
          ...(adv.vector === undefined ? {} : { vector: adv.vector }),
          ...(fixed === undefined ? {} : { fixed }),
          ...(adv.url === undefined ? {} : { url: adv.url }),
        });
      }
      if (found.length === 0) continue;
      found.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : 1));
      result.vulnerabilities.push({
        lockfile: pkg.file ?? rel,
        ecosystem: pkg.ecosystem,
        name: pkg.name,
        version: pkg.version,
        direct: pkg.direct,
        dev: pkg.dev,
        line: pkg.line,
        introducedVia: pkg.path ?? [],
        advisories: found,
        severity: found[0]!.severity,
      });
    }
  }
  return result;
}

interface AffectingAdvisory {
  advisory: AdvisoryDetails;
  fixed: string | undefined;
}

/**
 * The advisories that affect each package, in package order (packages with none
 * are left out). Batched per ecosystem, so the index reads the packages' match
 * entries in a few long reads, and then the details of only the advisories that hit.
 * A malformed entry is a damaged index (exit 5), not an internal error.
 */
/**
 * The version to match: Go's `go 1.16` names the release 1.16.0 (as govulncheck and
 * osv-scanner read it), which semver would otherwise rank below 1.16.0.
 */
export function matchableVersion(pkg: Pick<Package, 'ecosystem' | 'name' | 'version'>): string {
  if (pkg.ecosystem === 'Go' && pkg.name === 'stdlib' && /^\d+\.\d+$/.test(pkg.version)) return `${pkg.version}.0`;
  return pkg.version;
}

function findAdvisories(index: OsvIndex, packages: Package[]): { found: { pkg: Package; advisories: AffectingAdvisory[] }[]; missingEcosystems: Ecosystem[] } {
  const byEcosystem = new Map<Ecosystem, number[]>();
  packages.forEach((pkg, i) => {
    const positions = byEcosystem.get(pkg.ecosystem);
    if (positions) positions.push(i);
    else byEcosystem.set(pkg.ecosystem, [i]);
  });
  const found: AffectingAdvisory[][] = [];
  const missingEcosystems: Ecosystem[] = [];
  for (const [ecosystem, positions] of byEcosystem) {
    // A database made from one ecosystem's zip knows nothing of the others: that is a note, not damage.
    if (!index.hasEcosystem(ecosystem)) {
      missingEcosystems.push(ecosystem);
      continue;
    }
    const entries = index.matchEntries(ecosystem, positions.map((i) => packages[i]!.name));
    const refs: AdvisoryRef[] = [];
    const hits: { at: number; fixed: string | undefined }[] = [];
    for (const at of positions) {
      const { name } = packages[at]!;
      const version = matchableVersion(packages[at]!);
      const entry = entries.get(name);
      if (!entry) continue;
      try {
        forEachCandidate(entry, (start, end) => {
          const m = matchEncoded(ecosystem, version, entry, start + 2, end);
          if (!m.affected) return;
          refs.push(candidateRef(entry, start));
          hits.push({ at, fixed: m.fixed });
        });
      } catch (error) {
        throw corrupt(index.dir, error);
      }
    }
    const details = index.details(ecosystem, refs);
    hits.forEach(({ at, fixed }, k) => (found[at] ??= []).push({ advisory: details[k]!, fixed }));
  }
  const result: { pkg: Package; advisories: AffectingAdvisory[] }[] = [];
  found.forEach((advisories, at) => result.push({ pkg: packages[at]!, advisories }));
  return { found: result, missingEcosystems };
}

/** Whether any reported advisory is at or above the threshold. */
export function failsThreshold(result: DepsScanResult, threshold: Severity): boolean {
  return result.vulnerabilities.some((v) => severityRank(v.severity) >= severityRank(threshold));
}
