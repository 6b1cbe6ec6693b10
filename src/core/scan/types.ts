/**
 * What `circle scan` commands return: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { IgnoredFinding, ScannedLockfile, VulnerablePackage } from './deps/scan.js';
import type { IndexMeta } from './osv/store.js';
import type { JsonScanReport } from './report/json.js';
import type { Severity } from './report/types.js';
import type { InstallHookResult } from './secrets/hook.js';

/** `--json` result of scan db import. */
export type ScanDbImportResult = Pick<IndexMeta, 'createdAt' | 'advisories' | 'ecosystems' | 'skipped' | 'sources'>;

/** `--json` result of scan db status. */
export interface ScanDbStatusResult {
  present: boolean;
  createdAt?: string;
  ageDays?: number;
  /** True when older than scan.db.maxAgeDays (scans warn then). */
  stale?: boolean;
  advisories?: number;
  ecosystems?: IndexMeta['ecosystems'];
  newestModified?: string;
  sources?: string[];
}

/** `--json` result of scan db update. */
export type ScanDbUpdateResult = Pick<IndexMeta, 'createdAt' | 'advisories' | 'ecosystems' | 'skipped' | 'sources'>;

/** `--json` result of scan deps. */
export interface ScanDepsResult {
  root: string;
  lockfiles: ScannedLockfile[];
  packages: number;
  vulnerabilities: VulnerablePackage[];
  ignored: IgnoredFinding[];
  warnings: string[];
  failOn: Exclude<Severity, 'none'>;
  /** True when something at or above failOn was found (the exit code is then 1). */
  failed: boolean;
  database: { advisories: number; createdAt: string; ageDays: number };
}

/** `--json` result of scan secrets. */
export type ScanSecretsResult = JsonScanReport & { baselineWritten?: string };

/** `--json` result of scan secrets install-hook. */
export type ScanSecretsInstallHookResult = InstallHookResult;
