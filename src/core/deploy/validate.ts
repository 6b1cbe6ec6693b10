import { createHash } from 'node:crypto';
import type { ScanFinding, ScanReport, ScanRule, Severity } from '../scan/report/types.js';
import { CHECKS, checkByName, checkContext, type PolicyCheck } from './checks.js';
import type { Manifest, ParsedStream } from './manifests.js';
import { SchemaValidator, type SchemaValidatorOptions } from './schema.js';
import { CircleError } from '../errors.js';

/** The annotation prefix that exempts one object from one check: the value is the (required) reason. */
export const EXEMPTION_PREFIX = 'circle.dev/ignore-check.';

export interface PolicySettings {
  /** Check names (ours, kube-linter's or Polaris's) turned off. */
  disable?: string[];
  /** Opt-in checks turned on. */
  enable?: string[];
  /** Run only these checks (for tests and for `--check`). */
  only?: string[];
}

export interface ValidateOptions extends SchemaValidatorOptions {
  root: string;
  /** Skip the schema step (policy checks only). */
  schema?: boolean;
  /** Skip the policy step (schema only). */
  policy?: boolean;
  settings?: PolicySettings;
  /** A validator made earlier (benchmarks and repeated runs reuse its compiled schemas). */
  validator?: SchemaValidator;
}

const PARSE_RULE: ScanRule = { id: 'manifest-invalid', title: 'Manifest cannot be read (YAML error, duplicate key, missing kind or apiVersion)', severity: 'high' };
const SCHEMA_RULE: ScanRule = { id: 'schema-invalid', title: 'Object does not match the Kubernetes schema', severity: 'high' };

/** Resolves names given in settings to checks, refusing unknown ones (a typo must not silently disable nothing). */
export function selectChecks(settings: PolicySettings = {}): PolicyCheck[] {
  const resolve = (names: string[] | undefined): Set<PolicyCheck> =>
    new Set(
      (names ?? []).map((n) => {
        const check = checkByName(n);
        if (!check) throw new CircleError('USAGE', `Unknown deploy check "${n}"`, { hint: `Known checks: ${CHECKS.map((c) => c.id).join(', ')}.` });
        return check;
      }),
    );
  if (settings.only?.length) return [...resolve(settings.only)];
  const disabled = resolve(settings.disable);
  const enabled = resolve(settings.enable);
  return CHECKS.filter((c) => !disabled.has(c) && (!c.optIn || enabled.has(c)));
}

function objectLabel(m: Manifest): string {
  return `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name || '(unnamed)'}`;
}

function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function ruleOf(check: PolicyCheck): ScanRule {
  const aliases = [check.kubeLinter && `kube-linter: ${check.kubeLinter}`, check.polaris && `Polaris: ${check.polaris}`].filter(Boolean).join(', ');
  return { id: check.id, title: check.title, description: `${check.hint}${aliases ? ` (${aliases})` : ''}`, severity: check.severity };
}

/**
 * Schema validation plus policy checks over a set of manifests, as one ScanReport
 * (the same model `scan deps` and `scan secrets` use, so JSON, SARIF and GitHub output match).
 */
export async function validateManifests(stream: ParsedStream, options: ValidateOptions): Promise<ScanReport> {
  const started = performance.now();
  const findings: ScanFinding[] = [];
  const warnings: string[] = [];
  const rules = new Map<string, ScanRule>();
  const stats = { resources: stream.manifests.length, schemaValid: 0, schemaInvalid: 0, noSchema: 0, exempted: 0, checks: 0, durationMs: 0 };

  for (const p of stream.problems) {
    rules.set(PARSE_RULE.id, PARSE_RULE);
    findings.push({ ruleId: PARSE_RULE.id, message: p.message, severity: 'high', location: { path: p.path, line: p.line }, fingerprint: fingerprint(PARSE_RULE.id, p.path, String(p.line), p.reason), properties: { reason: p.reason } });
  }

  if (options.schema !== false) {
    const validator = options.validator ?? (await SchemaValidator.create(options));
    const missing = new Map<string, number>();
    for (const m of stream.manifests) {
      const verdict = validator.validate(m);
      if (verdict.status === 'valid') stats.schemaValid++;
      else if (verdict.status === 'no-schema') {
        stats.noSchema++;
        const key = `${m.apiVersion}/${m.kind}`;
        missing.set(key, (missing.get(key) ?? 0) + 1);
      } else {
        stats.schemaInvalid++;
        rules.set(SCHEMA_RULE.id, SCHEMA_RULE);
        for (const issue of verdict.issues) {
          findings.push({
            ruleId: SCHEMA_RULE.id,
            message: `${objectLabel(m)}: ${issue.message}`,
            severity: 'high',
            location: { path: m.path, line: m.line },
            fingerprint: fingerprint(SCHEMA_RULE.id, m.kind, m.namespace ?? '', m.name, issue.pointer),
            properties: { kind: m.kind, apiVersion: m.apiVersion, name: m.name, pointer: issue.pointer, k8sVersion: validator.k8sVersion },
          });
        }
      }
    }
    for (const [kind, count] of missing) warnings.push(`no schema for ${kind} (${count} object${count === 1 ? '' : 's'} not schema-checked): pass --schema-dir with its JSON schema`);
  }

  if (options.policy !== false) {
    const checks = selectChecks(options.settings);
    stats.checks = checks.length;
    const ctx = checkContext(stream.manifests);
    for (const check of checks) {
      for (const hit of check.run(ctx)) {
        const exemption = exemptionFor(hit.manifest, check, warnings);
        if (exemption !== undefined) {
          stats.exempted++;
          continue;
        }
        rules.set(check.id, ruleOf(check));
        findings.push({
          ruleId: check.id,
          message: `${objectLabel(hit.manifest)}: ${hit.message}`,
          severity: check.severity,
          location: { path: hit.manifest.path, line: hit.manifest.line },
          fingerprint: fingerprint(check.id, hit.manifest.kind, hit.manifest.namespace ?? '', hit.manifest.name, hit.container ?? '', hit.message),
          properties: { kind: hit.manifest.kind, name: hit.manifest.name, ...(hit.manifest.namespace ? { namespace: hit.manifest.namespace } : {}), ...(hit.container !== undefined ? { container: hit.container } : {}), hint: check.hint },
        });
      }
    }
  }
  stats.durationMs = Math.round(performance.now() - started);
  return { scanner: 'deploy', root: options.root, rules: [...rules.values()], findings, warnings: [...new Set(warnings)], stats };
}

/** The reason an object gives for skipping a check, by any of the check's names; an empty reason exempts nothing. */
function exemptionFor(m: Manifest, check: PolicyCheck, warnings: string[]): string | undefined {
  const annotations = (m.object.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {};
  for (const name of [check.id, check.kubeLinter, check.polaris]) {
    if (!name) continue;
    const value = annotations[`${EXEMPTION_PREFIX}${name}`];
    if (value === undefined) continue;
    if (typeof value === 'string' && value.trim() !== '') return value;
    warnings.push(`${m.path}:${m.line}: ${objectLabel(m)}: exemption ${EXEMPTION_PREFIX}${name} has no reason, so it is ignored`);
  }
  return undefined;
}

const ORDER: Severity[] = ['none', 'low', 'moderate', 'high', 'critical'];
/** True when a finding is at or above the threshold. */
export function failsAt(report: ScanReport, failOn: Exclude<Severity, 'none'>): boolean {
  return report.findings.some((f) => ORDER.indexOf(f.severity) >= ORDER.indexOf(failOn));
}
