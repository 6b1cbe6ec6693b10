/**
 * The shape every scanner (`scan deps`, `scan secrets`) hands to the reporting
 * module, so one set of formatters (table, JSON, SARIF 2.1.0, GitHub Actions
 * annotations) serves both. Fields may be added; none may be removed or renamed.
 */

export const SEVERITIES = ['none', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ScanLocation {
  /** Path relative to the scan root, with forward slashes. */
  path: string;
  /** 1-based line; absent when the finding has no line (a whole file). */
  line?: number;
  /** 1-based column. */
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** What a finding is an instance of: an advisory (deps) or a detection rule (secrets). */
export interface ScanRule {
  id: string;
  /** One line. */
  title: string;
  description?: string;
  helpUri?: string;
  severity: Severity;
}

export interface ScanFinding {
  ruleId: string;
  /** One line for people; never holds an unredacted secret unless the user asked for it. */
  message: string;
  severity: Severity;
  location: ScanLocation;
  /** Stable across runs for the same finding: used by baselines and SARIF partialFingerprints. */
  fingerprint: string;
  /** Scanner-specific plain data (package, version, fixed-in, path, commit, author, …). */
  properties?: Record<string, unknown>;
}

export interface ScanReport {
  /** `deps`, `secrets` or `deploy`: names the SARIF run's tool component. */
  scanner: 'deps' | 'secrets' | 'deploy';
  /** Absolute scan root; locations are relative to it. */
  root: string;
  rules: ScanRule[];
  findings: ScanFinding[];
  /** Non-fatal problems met on the way (a malformed lockfile, an unreadable file). */
  warnings: string[];
  stats?: Record<string, number>;
}
