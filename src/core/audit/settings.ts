import type { RetentionPolicy, RotationPolicy } from './log.js';
import { resolveWatchRules, type AuditWatchRules } from './watch.js';

/**
 * Maps the `audit.*` keys of the layered configuration (src/core/config/schema.ts)
 * to the log's policies. Takes plain values so core/audit stays independent of
 * how configuration is resolved.
 */
export interface AuditSettings {
  rotation: RotationPolicy;
  retention?: RetentionPolicy;
  watchRules: AuditWatchRules;
}

const DAY_MS = 24 * 3600 * 1000;

export function auditSettingsFromConfig(values: Record<string, unknown>): AuditSettings {
  const num = (key: string): number | undefined => (typeof values[key] === 'number' ? (values[key] as number) : undefined);
  const retentionDays = num('audit.retentionDays');
  const maxBytes = num('audit.segmentMaxBytes');
  const rules: Record<string, Record<string, number>> = { failedLogins: {}, secretReads: {} };
  const copy = (section: string, field: string) => {
    const v = num(`audit.rules.${section}.${field}`);
    if (v !== undefined) rules[section]![field] = v;
  };
  copy('failedLogins', 'threshold');
  copy('failedLogins', 'windowMinutes');
  copy('secretReads', 'threshold');
  copy('secretReads', 'windowSeconds');
  return {
    rotation: maxBytes === undefined ? {} : { maxBytes },
    ...(retentionDays ? { retention: { maxAgeMs: retentionDays * DAY_MS } } : {}),
    watchRules: resolveWatchRules(rules),
  };
}
