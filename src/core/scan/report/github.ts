import type { ScanFinding, ScanReport, Severity } from './types.js';

/**
 * GitHub Actions workflow commands. The runner splits a command at newlines and
 * at the `::` / `,` / `:` separators, so message data must escape `%`, CR and LF,
 * and property values must additionally escape `:` and `,` (toolkit/core's rules).
 */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(severity: Severity): 'error' | 'warning' | 'notice' {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'moderate') return 'warning';
  return 'notice';
}

function annotation(f: ScanFinding, titles: Map<string, string>): string {
  const props: string[] = [`file=${escapeProperty(f.location.path)}`];
  if (f.location.line !== undefined) props.push(`line=${f.location.line}`);
  if (f.location.endLine !== undefined) props.push(`endLine=${f.location.endLine}`);
  if (f.location.column !== undefined) props.push(`col=${f.location.column}`);
  if (f.location.endColumn !== undefined && (f.location.endLine ?? f.location.line) === f.location.line) {
    props.push(`endColumn=${f.location.endColumn}`);
  }
  const title = titles.get(f.ruleId) ?? f.ruleId;
  props.push(`title=${escapeProperty(`${f.ruleId}: ${title}`)}`);
  return `::${command(f.severity)} ${props.join(',')}::${escapeData(f.message)}`;
}

/** One workflow command per finding, newline-terminated; empty string when nothing was found. */
export function toGithubAnnotations(report: ScanReport): string {
  const titles = new Map(report.rules.map((r) => [r.id, r.title] as const));
  return report.findings.map((f) => `${annotation(f, titles)}\n`).join('');
}
