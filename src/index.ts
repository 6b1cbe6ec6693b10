/**
 * circle-core's library API: everything the `circle` command does, callable
 * without shelling out. Commands are thin wrappers over these exports.
 */
export { CircleError, ErrorCodes, ExitCode, isCircleError } from './core/errors.js';
export type { CircleErrorJson, ErrorCode, ExitCodeValue } from './core/errors.js';

// Home, safe files, configuration, health
export { resolveHome, resolveCacheDir, ensureHome } from './core/home/paths.js';
export type { HomeLocation } from './core/home/paths.js';
export { writeFileAtomic } from './core/home/atomic.js';
export { withLock } from './core/home/lock.js';
export { readDocument, writeDocument, updateDocument } from './core/home/document.js';
export type { DocumentKind } from './core/home/document.js';
export * from './core/config/index.js';
export { runDoctor, type DoctorCheck, type DoctorReport } from './core/doctor.js';

// The vault and auth: open a vault, authenticate, check permissions, seal records
export * from './core/vault/index.js';

// Audit log
export * from './core/audit/index.js';

// Secrets (personal and project scopes), dotenv, injection
export * from './core/secrets/index.js';

// age v1 file encryption
export * as age from './core/age/index.js';

// Scanning: dependencies, secrets, shared report formats
export * from './core/scan/report/index.js';
export * from './core/scan/secrets/index.js';
export { scanDependencies, failsThreshold, type DepsScanResult, type VulnerablePackage, type FoundAdvisory, type ScanOptions as ScanDepsOptions } from './core/scan/deps/scan.js';
export { discoverLockfiles } from './core/scan/deps/discover.js';
export { parseLockfile, lockfileKindOf } from './core/scan/deps/parsers/index.js';
export type { Package, Ecosystem, LockfileKind } from './core/scan/deps/types.js';
export { loadIgnoreRules } from './core/scan/deps/ignore.js';
export { toScanReport as depsToScanReport } from './core/scan/deps/report.js';
export { toCycloneDx, toPurl } from './core/scan/deps/cyclonedx.js';
export { OsvIndex, type IndexMeta } from './core/scan/osv/store.js';
export { importOsvDatabase } from './core/scan/osv/sources.js';
export { updateOsvDatabase, defaultOsvUrls } from './core/scan/osv/update.js';
export { matchVersion } from './core/scan/osv/match.js';

// Kubernetes deploys: generate, render, validate offline, diff/apply through kubectl
export * as deploy from './core/deploy/index.js';
