import { CircleError } from '../errors.js';
import type { ScanReport, Severity } from '../scan/report/types.js';
import { parseManifests } from './manifests.js';
import { renderEnvironment, type RenderedEnvironment, type SecretValues } from './render.js';
import { SchemaValidator } from './schema.js';
import { failsAt, validateManifests, type PolicySettings } from './validate.js';

export interface RolloutRequest {
  dir: string;
  env: string;
  readSecrets?: SecretValues;
  failOn: Exclude<Severity, 'none'>;
  settings?: PolicySettings;
  k8sVersion?: string;
  processEnv?: NodeJS.ProcessEnv;
}

export interface PreparedRollout {
  rendered: RenderedEnvironment;
  report: ScanReport;
  /** A finding is at or above failOn: kubectl must not run (throw `rolloutRefused`). */
  failed: boolean;
}

/**
 * What `diff` and `apply` do before kubectl: render the environment (Secret included, in memory
 * only) and validate the manifests (without the Secret: validation never sees a secret value).
 * Findings at or above `failOn` set `failed`: the caller shows them and throws `rolloutRefused`.
 */
export async function prepareRollout(request: RolloutRequest): Promise<PreparedRollout> {
  // Load the schema validators while kustomize runs in its own process.
  let kustomizeStarted!: () => void;
  const started = new Promise<void>((resolve) => (kustomizeStarted = resolve));
  const rendering = renderEnvironment({ dir: request.dir, env: request.env, onKustomizeStarted: kustomizeStarted, ...(request.readSecrets ? { readSecrets: request.readSecrets } : {}), ...(request.processEnv ? { processEnv: request.processEnv } : {}) });
  const validatorReady = Promise.race([started, rendering.then(() => undefined, () => undefined)]).then(() => SchemaValidator.create({ strict: true, ...(request.k8sVersion ? { k8sVersion: request.k8sVersion } : {}) }));
  validatorReady.catch(() => {});
  const rendered = await rendering;
  const stream = parseManifests(rendered.manifests, `overlays/${request.env}`, { rejectDuplicateKeys: true });
  const report = await validateManifests(stream, { root: request.dir, validator: await validatorReady, ...(request.settings ? { settings: request.settings } : {}) });
  return { rendered, report, failed: failsAt(report, request.failOn) };
}

/** CHECK_FAILED (exit 1): validation found problems, so nothing was sent to the cluster. */
export function rolloutRefused(env: string, report: ScanReport, failOn: string): CircleError {
  const n = report.findings.length;
  return new CircleError('CHECK_FAILED', `Validation of ${env} found ${n} problem${n === 1 ? '' : 's'} (failing at ${failOn} and above); nothing was sent to the cluster`, {
    hint: 'Fix them, exempt an object with a circle.dev/ignore-check.<check>: "<reason>" annotation, or raise --fail-on.',
    details: { findings: report.findings.map((f) => `${f.ruleId}: ${f.message}`).slice(0, 20) },
  });
}
