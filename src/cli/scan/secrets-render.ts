import type { ScanReport } from '../../core/scan/report/types.js';

/** Human lines for stdout: one per finding, `path:line:col  rule  message`; secrets already redacted by core. */
export function renderSecretsText(report: ScanReport): string[] {
  return report.findings.map((f) => {
    const where = `${f.location.path}:${f.location.line ?? 0}:${f.location.column ?? 0}`;
    const props = f.properties ?? {};
    const commit = typeof props.commit === 'string' ? `  (${String(props.commit).slice(0, 12)} ${String(props.author ?? '')} ${String(props.date ?? '')})` : '';
    return `${where}  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${f.message}${commit}`;
  });
}

export function summarizeSecrets(report: ScanReport): string {
  const s = report.stats ?? {};
  const mb = ((s.bytes ?? 0) / 1e6).toFixed(1);
  const found = report.findings.length;
  const suppressed = s.suppressedByBaseline ? `, ${s.suppressedByBaseline} in baseline` : '';
  return `${found === 0 ? 'No secrets found' : `${found} secret${found === 1 ? '' : 's'} found`} (${s.files ?? 0} files, ${mb} MB, ${s.rules ?? 0} rules, ${s.durationMs ?? 0} ms${suppressed})`;
}
