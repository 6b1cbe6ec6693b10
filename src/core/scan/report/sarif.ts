import type { ScanFinding, ScanReport, ScanRule, Severity } from './types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface SarifTool {
  name: string;
  version: string;
  informationUri?: string;
}

type SarifLevel = 'none' | 'note' | 'warning' | 'error';

/** SARIF has four levels; GitHub code scanning maps `error` to its highest alert class. */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'moderate':
      return 'warning';
    case 'low':
      return 'note';
    case 'none':
      return 'none';
  }
}

/** GitHub reads `properties['security-severity']` (a CVSS-like 0–10 string) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  none: '0.0',
  low: '3.0',
  moderate: '5.5',
  high: '8.0',
  critical: '9.5',
};

/** A SARIF URI reference for a scan-relative path: forward slashes, each segment percent-encoded. */
export function toArtifactUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function ruleDescriptor(rule: ScanRule): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description ?? rule.title },
    ...(rule.helpUri === undefined ? {} : { helpUri: rule.helpUri }),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: { 'security-severity': SECURITY_SEVERITY[rule.severity], tags: ['security'] },
  };
}

function region(f: ScanFinding): Record<string, number> | undefined {
  const { line, column, endLine, endColumn } = f.location;
  if (line === undefined || line < 1) return undefined;
  const r: Record<string, number> = { startLine: line };
  if (column !== undefined && column >= 1) r.startColumn = column;
  if (endLine !== undefined && endLine >= line) r.endLine = endLine;
  if (endColumn !== undefined && endColumn >= 1) r.endColumn = endColumn;
  return r;
}

/**
 * One SARIF 2.1.0 log with a single run. Rules not in `report.rules` but used by a
 * finding get a minimal descriptor so every result's `ruleIndex` resolves.
 */
export function toSarif(report: ScanReport, tool: SarifTool): object {
  const rules: ScanRule[] = [...report.rules];
  const index = new Map<string, number>();
  rules.forEach((r, i) => {
    if (!index.has(r.id)) index.set(r.id, i);
  });
  for (const f of report.findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length);
      rules.push({ id: f.ruleId, title: f.ruleId, severity: f.severity });
    }
  }
  const results = report.findings.map((f) => {
    const reg = region(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId) as number,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toArtifactUri(f.location.path), uriBaseId: '%SRCROOT%' },
            ...(reg === undefined ? {} : { region: reg }),
          },
        },
      ],
      partialFingerprints: { 'circleFingerprint/v1': f.fingerprint },
      ...(f.properties === undefined ? {} : { properties: structuredClone(f.properties) }),
    };
  });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            ...(tool.informationUri === undefined ? {} : { informationUri: tool.informationUri }),
            rules: rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri(report.root) } },
        automationDetails: { id: `circle-scan-${report.scanner}/` },
        results,
      },
    ],
  };
}

/** The scan root as a file URI ending in '/', as SARIF requires for a base id. */
function rootUri(root: string): string {
  const abs = root.replace(/\\/g, '/');
  const withSlash = abs.endsWith('/') ? abs : `${abs}/`;
  const prefixed = withSlash.startsWith('/') ? withSlash : `/${withSlash}`;
  return `file://${prefixed.split('/').map((s) => encodeURIComponent(s)).join('/')}`;
}
