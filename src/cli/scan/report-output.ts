import type { ScanReport } from '../../core/scan/report/types.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';

/**
 * What a scanner-shaped command (`scan secrets`, `deploy validate`) prints on stdout for a
 * machine format: the JSON result, SARIF 2.1.0 or GitHub annotations. Undefined for `text`,
 * which each command renders for people itself.
 */
export async function machineReport(format: string, report: ScanReport, result: unknown, tool: { name: string; version: string }): Promise<string | undefined> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'sarif': {
      const { toSarif } = await import('../../core/scan/report/sarif.js');
      return `${JSON.stringify(toSarif(report, { ...tool, informationUri: 'https://github.com/circle-core/circle-core' }), null, 2)}\n`;
    }
    case 'github': {
      const { toGithubAnnotations } = await import('../../core/scan/report/github.js');
      return toGithubAnnotations(report);
    }
    default:
      return undefined;
  }
}
