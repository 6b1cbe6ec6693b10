/**
 * `circle-core/scan`: vulnerable dependencies (lockfiles against a local OSV database) and leaked
 * secrets (files, git history, diffs), with SARIF, CycloneDX, JSON and GitHub annotation output.
 */
export * from '../core/scan/report/index.js';
export * from '../core/scan/secrets/index.js';
export {
  scanDependencies,
  failsThreshold,
  type DepsScanResult,
  type VulnerablePackage,
  type FoundAdvisory,
  type IgnoredFinding,
  type ScannedLockfile,
  type ScanOptions as ScanDepsOptions,
} from '../core/scan/deps/scan.js';
export { discoverLockfiles } from '../core/scan/deps/discover.js';
export { parseLockfile, lockfileKindOf } from '../core/scan/deps/parsers/index.js';
export type { Package, Ecosystem, LockfileKind } from '../core/scan/deps/types.js';
export { loadIgnoreRules } from '../core/scan/deps/ignore.js';
export { toScanReport as depsToScanReport } from '../core/scan/deps/report.js';
export { toCycloneDx, toPurl } from '../core/scan/deps/cyclonedx.js';
export { OsvIndex, type IndexMeta } from '../core/scan/osv/store.js';
export { importOsvDatabase } from '../core/scan/osv/sources.js';
export { updateOsvDatabase, defaultOsvUrls } from '../core/scan/osv/update.js';
export { matchVersion } from '../core/scan/osv/match.js';
export type * from '../core/scan/types.js';
