export type { ScanFinding, ScanLocation, ScanReport, ScanRule, Severity } from './types.js';
export { SEVERITIES } from './types.js';
export { toSarif, sarifLevel, toArtifactUri, SARIF_SCHEMA_URI, type SarifTool } from './sarif.js';
export { toGithubAnnotations, escapeData, escapeProperty } from './github.js';
export { toJsonReport, type JsonScanReport } from './json.js';
