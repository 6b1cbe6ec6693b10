import type { ScanReport } from './types.js';

/** The versioned JSON document `--format json` prints: plain data, stable key order. */
export interface JsonScanReport {
  format: 'circle-scan-report';
  version: 1;
  scanner: ScanReport['scanner'];
  root: string;
  summary: { findings: number; bySeverity: Record<string, number>; rules: number; warnings: number };
  rules: ScanReport['rules'];
  findings: ScanReport['findings'];
  warnings: string[];
  stats?: Record<string, number>;
}

export function toJsonReport(report: ScanReport): JsonScanReport {
  const bySeverity: Record<string, number> = {};
  for (const f of report.findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  // Only rules that produced a finding: a secrets run has 100+ rules and listing them all is noise.
  const used = new Set(report.findings.map((f) => f.ruleId));
  return {
    format: 'circle-scan-report',
    version: 1,
    scanner: report.scanner,
    root: report.root,
    summary: { findings: report.findings.length, bySeverity, rules: used.size, warnings: report.warnings.length },
    rules: report.rules.filter((r) => used.has(r.id)),
    findings: report.findings.map((f) => structuredClone(f)),
    warnings: [...report.warnings],
    ...(report.stats === undefined ? {} : { stats: { ...report.stats } }),
  };
}
