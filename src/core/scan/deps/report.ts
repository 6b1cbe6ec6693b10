import { createHash } from 'node:crypto';
import type { ScanFinding, ScanReport, ScanRule } from '../report/types.js';
import type { DepsScanResult } from './scan.js';

/**
 * A deps scan as the shared ScanReport: one rule per advisory, one finding per
 * (package version, advisory), located at the package's line in its lockfile.
 */
export function toScanReport(result: DepsScanResult): ScanReport {
  const rules = new Map<string, ScanRule>();
  const findings: ScanFinding[] = [];
  for (const v of result.vulnerabilities) {
    for (const a of v.advisories) {
      if (!rules.has(a.id)) {
        rules.set(a.id, {
          id: a.id,
          title: a.summary || a.id,
          description: [a.summary, a.aliases.length > 0 ? `Aliases: ${a.aliases.join(', ')}` : ''].filter(Boolean).join('\n'),
          ...(a.url === undefined ? { helpUri: `https://osv.dev/vulnerability/${encodeURIComponent(a.id)}` } : { helpUri: a.url }),
          severity: a.severity,
        });
      }
      const fix = a.fixed ? `; fixed in ${a.fixed}` : '; no fixed version';
      const via = v.introducedVia.length > 0 ? ` (via ${v.introducedVia.join(' > ')})` : v.direct ? ' (direct)' : '';
      findings.push({
        ruleId: a.id,
        message: `${v.name}@${v.version}${via} is affected by ${a.id}: ${a.summary}${fix}`,
        severity: a.severity,
        location: { path: v.lockfile, line: v.line },
        fingerprint: createHash('sha256').update(`deps\0${v.lockfile}\0${v.ecosystem}\0${v.name}\0${v.version}\0${a.id}`).digest('hex').slice(0, 32),
        properties: {
          ecosystem: v.ecosystem,
          package: v.name,
          version: v.version,
          ...(a.fixed === undefined ? {} : { fixedIn: a.fixed }),
          direct: v.direct,
          dev: v.dev,
          introducedVia: v.introducedVia,
          aliases: a.aliases,
          ...(a.score === undefined ? {} : { cvssScore: a.score }),
        },
      });
    }
  }
  return {
    scanner: 'deps',
    root: result.root,
    rules: [...rules.values()],
    findings,
    warnings: result.warnings,
    stats: { lockfiles: result.lockfiles.length, packages: result.packages, vulnerablePackages: result.vulnerabilities.length, advisories: rules.size, ignored: result.ignored.length },
  };
}
