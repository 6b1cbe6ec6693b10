import { isRecord, type Manifest } from './manifests.js';

/** A pod template found in an object: a Pod, a workload's `spec.template`, or a CronJob's job template. */
export interface PodTemplate {
  manifest: Manifest;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  namespace: string;
}

export interface Container {
  name: string;
  init: boolean;
  spec: Record<string, unknown>;
}

/** Kinds that run to completion: probes make no sense for them. */
export const BATCH_KINDS = new Set(['Job', 'CronJob']);

export function podTemplateOf(manifest: Manifest): PodTemplate | undefined {
  const o = manifest.object;
  const spec = isRecord(o.spec) ? o.spec : undefined;
  if (!spec) return undefined;
  const namespace = manifest.namespace ?? 'default';
  if (manifest.kind === 'Pod') return { manifest, spec, labels: stringMap(record(o.metadata).labels), namespace };
  let template: Record<string, unknown> | undefined;
  if (manifest.kind === 'CronJob') template = record(record(record(spec.jobTemplate).spec).template);
  else if (isRecord(spec.template)) template = spec.template;
  if (!template) return undefined;
  const podSpec = record(template.spec);
  return { manifest, spec: podSpec, labels: stringMap(record(template.metadata).labels), namespace };
}

export function containersOf(pod: PodTemplate, options: { init?: boolean } = { init: true }): Container[] {
  const list = (key: string, init: boolean): Container[] =>
    (Array.isArray(pod.spec[key]) ? (pod.spec[key] as unknown[]) : []).filter(isRecord).map((c) => ({ name: typeof c.name === 'string' ? c.name : '', init, spec: c }));
  return [...(options.init === false ? [] : list('initContainers', true)), ...list('containers', false)];
}

export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}

/** Kubernetes label-selector semantics: matchLabels and matchExpressions all hold. An empty selector selects everything. */
export function selectorMatches(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  const matchLabels = stringMap(selector.matchLabels);
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  for (const e of expressions) {
    const key = String(e.key ?? '');
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A plain `key: value` map selector (Service, ReplicationController, DeploymentConfig). */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
