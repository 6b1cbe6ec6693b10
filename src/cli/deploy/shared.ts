import { Flags } from '@oclif/core';
import type { ScanReport } from '../../core/scan/report/types.js';
import type { SecretValues } from '../../core/deploy/render.js';
import type { Circle } from '../../core/context/circle.js';
import { deployPolicy } from '../../core/config/sections/deploy.js';

/** Flags the deploy commands share, defined once so names and help never drift. */
export const dirFlag = Flags.string({ description: 'The deploy tree (holds circle.yaml, base/ and overlays/).', default: 'deploy' });
export const deployEnvFlag = Flags.string({ char: 'e', description: 'Environment: the overlay deploy/overlays/<env> and the `circle secrets` environment.' });
export const failOnFlag = Flags.string({ description: 'Fail at or above this severity (default: deploy.policy.failOn).', options: ['low', 'moderate', 'high', 'critical'] });
export const contextFlag = Flags.string({ description: 'kubectl context to use (default: the current context).' });

/** Secret values for a render, from `circle secrets` of the environment (audited reads; nothing written). */
export function commandSecretReader(circle: Circle, settings: { projectRoot?: string }, env: string, identity?: string[]): SecretValues {
  return async (names) => {
    const { openCommandBackend } = await import('../secrets-backend.js');
    const backend = await openCommandBackend(circle, { ...settings, environment: env }, identity?.length ? { identity } : {}, { env });
    return backend.readAll({ only: names });
  };
}

/** One line per finding for people: `path:line  SEVERITY  check  message`, then the fix hint. */
export function renderFindingsText(report: ScanReport): string[] {
  return report.findings.flatMap((f) => {
    const hint = typeof f.properties?.hint === 'string' ? [`    fix: ${f.properties.hint}`] : [];
    return [`${f.location.path}:${f.location.line ?? 0}  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${f.message}`, ...hint];
  });
}

export function summarizeFindings(report: ScanReport): string {
  const s = report.stats ?? {};
  const n = report.findings.length;
  const exempted = s.exempted ? `, ${s.exempted} exempted` : '';
  const noSchema = s.noSchema ? `, ${s.noSchema} without schema` : '';
  return `${n === 0 ? 'No findings' : `${n} finding${n === 1 ? '' : 's'}`} (${s.resources ?? 0} resources, ${s.checks ?? 0} checks${exempted}${noSchema}, ${s.durationMs ?? 0} ms)`;
}

/** The rollout settings diff and apply share: fail-on and the policy switches from the layered config. */
export function rolloutSettings(values: Parameters<typeof deployPolicy>[0]) {
  const policy = deployPolicy(values);
  return { failOn: policy.failOn, settings: policy.checks };
}
