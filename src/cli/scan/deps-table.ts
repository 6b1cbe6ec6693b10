import defaultChalk, { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { DepsScanResult } from '../../core/scan/deps/scan.js';
import type { Severity } from '../../core/scan/report/types.js';

const severityPainter = (chalk: ChalkInstance): Record<Severity, (s: string) => string> => ({
  critical: (s) => chalk.bgRed.white.bold(s),
  high: (s) => chalk.red.bold(s),
  moderate: (s) => chalk.yellow(s),
  low: (s) => chalk.cyan(s),
  none: (s) => chalk.gray(s),
});

/**
 * The human report: one row per vulnerable package, its advisories stacked in the row.
 * `colour` is the decision for the stream the report goes to (never for a file): chalk's own
 * guess looks at stdout alone, and cli-table3 colours borders whatever the stream is.
 */
export function renderDepsTable(result: DepsScanResult, colour: boolean): string {
  const chalk = colour ? new Chalk({ level: Math.max(1, defaultChalk.level) as 1 | 2 | 3 }) : new Chalk({ level: 0 });
  const PAINT = severityPainter(chalk);
  const lines: string[] = [];
  if (result.vulnerabilities.length === 0) {
    lines.push(chalk.green(`No known vulnerabilities in ${result.packages} packages from ${result.lockfiles.length} lockfile(s).`));
  } else {
    const table = new Table({
      head: ['Package', 'Severity', 'Advisory', 'Fixed in', 'Introduced via', 'Lockfile'],
      style: colour ? { head: ['bold'] } : { head: [], border: [] },
      wordWrap: true,
      colWidths: [28, 10, 24, 12, 30, 30],
    });
    for (const v of result.vulnerabilities) {
      table.push([
        `${v.name}@${v.version}${v.dev ? chalk.gray(' (dev)') : ''}`,
        v.advisories.map((a) => PAINT[a.severity](a.severity)).join('\n'),
        v.advisories.map((a) => a.id).join('\n'),
        v.advisories.map((a) => a.fixed ?? '—').join('\n'),
        v.direct ? 'direct' : v.introducedVia.length > 0 ? v.introducedVia.join(' > ') : '?',
        `${v.lockfile}:${v.line}`,
      ]);
    }
    lines.push(table.toString());
    const counts = new Map<Severity, number>();
    for (const v of result.vulnerabilities) for (const a of v.advisories) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
    const summary = (['critical', 'high', 'moderate', 'low', 'none'] as const).filter((s) => counts.has(s)).map((s) => PAINT[s](`${counts.get(s)} ${s}`));
    lines.push(`${result.vulnerabilities.length} vulnerable package(s) of ${result.packages} scanned: ${summary.join(', ')}`);
  }
  if (result.ignored.length > 0) lines.push(chalk.gray(`${result.ignored.length} finding(s) ignored by ${'.circle/scan-ignore.yaml'}.`));
  return lines.join('\n');
}
