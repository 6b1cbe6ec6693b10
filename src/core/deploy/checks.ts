import type { Severity } from '../scan/report/types.js';
import { isRecord, type Manifest } from './manifests.js';
import { BATCH_KINDS, containersOf, mapSelectorMatches, podTemplateOf, record, selectorMatches, stringMap, type Container, type PodTemplate } from './workloads.js';

/**
 * The policy checks of `circle deploy validate`. Each is named as kube-linter names it
 * where kube-linter has it, else as Polaris names it, and says which of the two it
 * mirrors, so a team moving from either tool keeps its vocabulary (and its exemptions).
 * Their verdicts are tested against both projects' own fixtures (test/core/deploy/).
 */

export interface CheckHit {
  manifest: Manifest;
  message: string;
  container?: string;
}

export interface CheckContext {
  manifests: Manifest[];
  pods: PodTemplate[];
}

export interface PolicyCheck {
  id: string;
  /** The same check in kube-linter / Polaris, when its id differs from ours or to record the mapping. */
  kubeLinter?: string;
  polaris?: string;
  severity: Exclude<Severity, 'none'>;
  /** One line: what is wrong. */
  title: string;
  /** One line: how to fix it. */
  hint: string;
  /** Off unless `deploy.policy.enable` names it. */
  optIn?: boolean;
  run(ctx: CheckContext): CheckHit[];
}

type ContainerTest = (c: Container, pod: PodTemplate) => string | string[] | undefined;

/** Runs a test on every container (init containers too, unless told) of every pod template. */
function perContainer(test: ContainerTest, options: { init?: boolean; skipBatch?: boolean } = {}): (ctx: CheckContext) => CheckHit[] {
  return (ctx) => {
    const hits: CheckHit[] = [];
    for (const pod of ctx.pods) {
      if (options.skipBatch && BATCH_KINDS.has(pod.manifest.kind)) continue;
      for (const c of containersOf(pod, { init: options.init ?? true })) {
        const out = test(c, pod);
        for (const message of out === undefined ? [] : Array.isArray(out) ? out : [out]) hits.push({ manifest: pod.manifest, message, container: c.name });
      }
    }
    return hits;
  };
}

function perPod(test: (pod: PodTemplate, ctx: CheckContext) => string | undefined): (ctx: CheckContext) => CheckHit[] {
  return (ctx) => ctx.pods.flatMap((pod) => {
    const message = test(pod, ctx);
    return message === undefined ? [] : [{ manifest: pod.manifest, message }];
  });
}

const sc = (c: Container): Record<string, unknown> => record(c.spec.securityContext);
const podSc = (pod: PodTemplate): Record<string, unknown> => record(pod.spec.securityContext);
const caps = (c: Container, key: 'add' | 'drop'): string[] => {
  const list = record(sc(c).capabilities)[key];
  return Array.isArray(list) ? list.map((x) => String(x).toUpperCase().replace(/^CAP_/, '')) : [];
};

function hostPathMounts(pod: PodTemplate, c: Container): { path: string; readOnly: boolean }[] {
  const volumes = new Map<string, string>();
  for (const v of Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isRecord) : []) {
    const hp = record(v.hostPath);
    if (typeof hp.path === 'string') volumes.set(String(v.name), hp.path);
  }
  const mounts = Array.isArray(c.spec.volumeMounts) ? c.spec.volumeMounts.filter(isRecord) : [];
  return mounts.flatMap((m) => {
    const path = volumes.get(String(m.name));
    return path === undefined ? [] : [{ path, readOnly: m.readOnly === true }];
  });
}

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);
const SENSITIVE_HOST_PATHS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr'];
const DOCKER_SOCK = '/var/run/docker.sock';
const DANGEROUS_CAPABILITIES = ['ALL', 'SYS_ADMIN', 'NET_ADMIN'];
// Polaris's list: what a container keeps unless it drops ALL.
const INSECURE_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];
// kube-linter's latest-tag block list: `:latest`, no tag at all, or a registry path with no tag.
const IMAGE_BLOCK_LIST = [/.*:(latest)$/, /^[^:]*$/, /(.*\/[^:]+)$/];
const SENSITIVE_ENV_NAME = /secret|passw(or)?d|passwd|token|api_?key|private_?key|access_?key|credential|batch_?key|key_content|auth_?key/i;

function quantityIsZero(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  const n = Number.parseFloat(String(value));
  return Number.isFinite(n) && n === 0;
}

function effective(c: Container, pod: PodTemplate, key: string): unknown {
  const own = sc(c)[key];
  return own !== undefined ? own : podSc(pod)[key];
}

export const CHECKS: PolicyCheck[] = [
  {
    id: 'privileged-container',
    kubeLinter: 'privileged-container',
    polaris: 'runAsPrivileged',
    severity: 'critical',
    title: 'Container runs privileged',
    hint: 'Remove securityContext.privileged (a privileged container is root on the node).',
    run: perContainer((c) => (sc(c).privileged === true ? `container "${c.name}" is privileged` : undefined)),
  },
  {
    id: 'privilege-escalation-container',
    kubeLinter: 'privilege-escalation-container',
    polaris: 'privilegeEscalationAllowed',
    severity: 'high',
    title: 'Container may gain more privileges than its parent process',
    hint: 'Set securityContext.allowPrivilegeEscalation: false on the container.',
    run: perContainer((c) => {
      const v = sc(c).allowPrivilegeEscalation;
      if (v === false) return undefined;
      return v === true ? `container "${c.name}" has AllowPrivilegeEscalation set to true.` : `container "${c.name}" does not set allowPrivilegeEscalation: false`;
    }),
  },
  {
    id: 'run-as-non-root',
    kubeLinter: 'run-as-non-root',
    polaris: 'runAsRootAllowed',
    severity: 'high',
    title: 'Container may run as root',
    hint: 'Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod or container.',
    run: perContainer((c, pod) => {
      const out: string[] = [];
      const nonRoot = effective(c, pod, 'runAsNonRoot');
      const user = effective(c, pod, 'runAsUser');
      if (nonRoot !== true && !(typeof user === 'number' && user > 0)) out.push(`container "${c.name}" is not set to runAsNonRoot`);
      if (effective(c, pod, 'runAsGroup') === 0) out.push(`container "${c.name}" is set to runAsGroup 0`);
      return out;
    }),
  },
  {
    id: 'no-read-only-root-fs',
    kubeLinter: 'no-read-only-root-fs',
    polaris: 'notReadOnlyRootFilesystem',
    severity: 'moderate',
    title: 'Container root file system is writable',
    hint: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes (e.g. /tmp).',
    run: perContainer((c) => (sc(c).readOnlyRootFilesystem === true ? undefined : `container "${c.name}" does not have a read-only root file system`)),
  },
  {
    id: 'host-network',
    kubeLinter: 'host-network',
    polaris: 'hostNetworkSet',
    severity: 'high',
    title: "Pod shares the host's network namespace",
    hint: 'Remove hostNetwork: true; expose the app through a Service.',
    run: perPod((pod) => (pod.spec.hostNetwork === true ? "resource shares host's network namespace (via hostNetwork=true)." : undefined)),
  },
  {
    id: 'host-pid',
    kubeLinter: 'host-pid',
    polaris: 'hostPIDSet',
    severity: 'high',
    title: "Pod shares the host's process namespace",
    hint: 'Remove hostPID: true.',
    run: perPod((pod) => (pod.spec.hostPID === true ? "object shares the host's process namespace (via hostPID=true)." : undefined)),
  },
  {
    id: 'host-ipc',
    kubeLinter: 'host-ipc',
    polaris: 'hostIPCSet',
    severity: 'high',
    title: "Pod shares the host's IPC namespace",
    hint: 'Remove hostIPC: true.',
    run: perPod((pod) => (pod.spec.hostIPC === true ? "resource shares host's IPC namespace (via hostIPC=true)." : undefined)),
  },
  {
    id: 'sensitive-host-mounts',
    kubeLinter: 'sensitive-host-mounts',
    severity: 'high',
    title: 'A host system directory is mounted into a container',
    hint: 'Do not mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr from the host; use a ConfigMap, Secret or PVC.',
    run: perContainer((c, pod) =>
      hostPathMounts(pod, c)
        .filter((m) => SENSITIVE_HOST_PATHS.includes(trimSlash(m.path)))
        .map((m) => `host system directory "${m.path}" is mounted on container "${c.name}"`),
    ),
  },
  {
    id: 'docker-sock',
    kubeLinter: 'docker-sock',
    severity: 'critical',
    title: 'The Docker socket is mounted into a container',
    hint: 'Never mount /var/run/docker.sock: it is root on the node. Build images with a rootless builder instead.',
    run: perContainer((c, pod) =>
      hostPathMounts(pod, c)
        .filter((m) => trimSlash(m.path) === DOCKER_SOCK)
        .map((m) => `host system directory "${m.path}" is mounted on container "${c.name}"`),
    ),
  },
  {
    id: 'hostPathSet',
    polaris: 'hostPathSet',
    severity: 'moderate',
    title: 'Pod uses a hostPath volume',
    hint: 'Replace the hostPath volume with a PVC, ConfigMap, Secret or emptyDir.',
    run: perPod((pod) => {
      const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isRecord) : [];
      const hp = volumes.find((v) => isRecord(v.hostPath));
      return hp ? `volume "${String(hp.name ?? '')}" is a hostPath volume` : undefined;
    }),
  },
  {
    id: 'drop-net-raw-capability',
    kubeLinter: 'drop-net-raw-capability',
    severity: 'moderate',
    title: 'Container keeps or adds NET_RAW',
    hint: 'Set securityContext.capabilities.drop: [ALL] and add back only what the app needs.',
    run: perContainer((c) => {
      if (!isRecord(sc(c).capabilities)) return undefined;
      const out: string[] = [];
      const add = caps(c, 'add');
      for (const a of add) if (a === 'NET_RAW' || a === 'ALL') out.push(`container "${c.name}" has ADD capability: "${a}", which matched with the forbidden capability for containers`);
      const drop = caps(c, 'drop');
      if (!drop.includes('NET_RAW') && !drop.includes('ALL')) out.push(`container "${c.name}" has DROP capabilities: [${drop.join(' ')}], but does not drop capability "NET_RAW" which is required`);
      return out;
    }),
  },
  {
    id: 'dangerousCapabilities',
    polaris: 'dangerousCapabilities',
    severity: 'high',
    title: 'Container adds a dangerous capability',
    hint: 'Do not add ALL, SYS_ADMIN or NET_ADMIN.',
    run: perContainer((c) => {
      const bad = caps(c, 'add').filter((a) => DANGEROUS_CAPABILITIES.includes(a));
      return bad.length ? `container "${c.name}" adds dangerous capabilities: ${bad.join(', ')}` : undefined;
    }),
  },
  {
    id: 'insecureCapabilities',
    polaris: 'insecureCapabilities',
    severity: 'moderate',
    title: 'Container keeps insecure default capabilities',
    hint: 'Set securityContext.capabilities.drop: [ALL] on every container.',
    run: perContainer((c) => {
      const drop = caps(c, 'drop');
      const added = caps(c, 'add').filter((a) => a === 'ALL' || INSECURE_CAPABILITIES.includes(a));
      if (added.length) return `container "${c.name}" adds insecure capabilities: ${added.join(', ')}`;
      if (drop.includes('ALL') || INSECURE_CAPABILITIES.every((x) => drop.includes(x))) return undefined;
      return `container "${c.name}" does not drop ALL capabilities`;
    }),
  },
  {
    id: 'latest-tag',
    kubeLinter: 'latest-tag',
    polaris: 'tagNotSpecified',
    severity: 'high',
    title: 'Image has no pinned tag (latest or none)',
    hint: 'Pin the image to a version tag or, better, a digest (image@sha256:…).',
    run: perContainer((c) => {
      const image = typeof c.spec.image === 'string' ? c.spec.image : '';
      if (image.includes('@sha256:')) return undefined;
      return IMAGE_BLOCK_LIST.some((re) => re.test(image)) ? `container "${c.name}" uses image "${image}", which is :latest or has no tag` : undefined;
    }),
  },
  {
    id: 'unset-cpu-requirements',
    kubeLinter: 'unset-cpu-requirements',
    polaris: 'cpuRequestsMissing',
    severity: 'moderate',
    title: 'Container has no CPU request',
    hint: 'Set resources.requests.cpu (e.g. 100m) so the scheduler can place the pod.',
    run: perContainer((c) => (quantityIsZero(record(record(c.spec.resources).requests).cpu) ? `container "${c.name}" has cpu request 0` : undefined)),
  },
  {
    id: 'unset-memory-requirements',
    kubeLinter: 'unset-memory-requirements',
    polaris: 'memoryLimitsMissing',
    severity: 'moderate',
    title: 'Container has no memory limit',
    hint: 'Set resources.limits.memory (e.g. 256Mi) so one pod cannot exhaust the node.',
    run: perContainer((c) => (quantityIsZero(record(record(c.spec.resources).limits).memory) ? `container "${c.name}" has memory limit 0` : undefined)),
  },
  {
    id: 'no-liveness-probe',
    kubeLinter: 'no-liveness-probe',
    polaris: 'livenessProbeMissing',
    severity: 'low',
    title: 'Container has no liveness probe',
    hint: 'Add a livenessProbe so a hung container is restarted.',
    run: perContainer((c) => (isRecord(c.spec.livenessProbe) ? undefined : `container "${c.name}" does not specify a liveness probe`), { init: false, skipBatch: true }),
  },
  {
    id: 'no-readiness-probe',
    kubeLinter: 'no-readiness-probe',
    polaris: 'readinessProbeMissing',
    severity: 'low',
    title: 'Container has no readiness probe',
    hint: 'Add a readinessProbe so traffic waits until the container is ready.',
    run: perContainer((c) => (isRecord(c.spec.readinessProbe) ? undefined : `container "${c.name}" does not specify a readiness probe`), { init: false, skipBatch: true }),
  },
  {
    id: 'env-var-secret',
    kubeLinter: 'env-var-secret',
    polaris: 'sensitiveContainerEnvVar',
    severity: 'high',
    title: 'A secret is written literally in a container environment variable',
    hint: 'Move the value to a Secret (circle deploy render adds one from `circle secrets`) and use valueFrom.secretKeyRef.',
    run: perContainer((c) => {
      const env = Array.isArray(c.spec.env) ? c.spec.env.filter(isRecord) : [];
      return env
        .filter((e) => typeof e.value === 'string' && e.value !== '' && (SENSITIVE_ENV_NAME.test(String(e.name)) || /PRIVATE KEY/.test(e.value)))
        .map((e) => `environment variable ${String(e.name)} in container "${c.name}" found`);
    }),
  },
  {
    id: 'mismatching-selector',
    kubeLinter: 'mismatching-selector',
    severity: 'moderate',
    title: "Workload selector does not match its pod template's labels",
    hint: 'Make spec.selector match spec.template.metadata.labels.',
    run: (ctx) =>
      ctx.pods.flatMap((pod) => {
        if (pod.manifest.kind === 'Pod' || pod.manifest.kind === 'CronJob') return [];
        const selector = record(pod.manifest.object.spec).selector;
        if (!isRecord(selector)) return [];
        const usesLabelSelector = isRecord(selector.matchLabels) || Array.isArray(selector.matchExpressions);
        const ok = usesLabelSelector ? selectorMatches(selector, pod.labels) : mapSelectorMatches(stringMap(selector), pod.labels);
        return ok ? [] : [{ manifest: pod.manifest, message: `labels in pod spec (${JSON.stringify(pod.labels)}) do not match labels in selector (${JSON.stringify(selector)})` }];
      }),
  },
  {
    id: 'dangling-service',
    kubeLinter: 'dangling-service',
    severity: 'moderate',
    title: 'Service selects no pods',
    hint: "Fix spec.selector so it matches the pod template's labels.",
    run: (ctx) =>
      ctx.manifests.flatMap((m) => {
        if (m.kind !== 'Service') return [];
        const selector = stringMap(record(m.object.spec).selector);
        if (Object.keys(selector).length === 0) return [];
        const ns = m.namespace ?? 'default';
        const found = ctx.pods.some((pod) => pod.namespace === ns && mapSelectorMatches(selector, pod.labels));
        return found ? [] : [{ manifest: m, message: `no pods found matching service labels (${JSON.stringify(selector)})` }];
      }),
  },
  {
    id: 'tlsSettingsMissing',
    polaris: 'tlsSettingsMissing',
    severity: 'moderate',
    title: 'Ingress serves plain HTTP (no TLS)',
    hint: 'Add spec.tls with the host and a certificate Secret.',
    run: (ctx) =>
      ctx.manifests.flatMap((m) => {
        if (m.kind !== 'Ingress') return [];
        const tls = record(m.object.spec).tls;
        return Array.isArray(tls) && tls.length > 0 ? [] : [{ manifest: m, message: 'ingress has no TLS configuration' }];
      }),
  },
  {
    id: 'default-service-account',
    kubeLinter: 'default-service-account',
    severity: 'moderate',
    title: "Pod runs as the namespace's default service account",
    hint: 'Create a ServiceAccount for the app and set serviceAccountName.',
    run: perPod((pod) => {
      const name = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : typeof pod.spec.serviceAccount === 'string' ? pod.spec.serviceAccount : '';
      return name === '' || name === 'default' ? `found matching serviceAccount ("${name || 'default'}")` : undefined;
    }),
  },
  {
    id: 'automountServiceAccountToken',
    polaris: 'automountServiceAccountToken',
    severity: 'moderate',
    title: 'The service account token is mounted into the pod',
    hint: 'Set automountServiceAccountToken: false on the pod or its ServiceAccount unless the app calls the Kubernetes API.',
    run: perPod((pod, ctx) => {
      const own = pod.spec.automountServiceAccountToken;
      if (own === false) return undefined;
      if (own === true) return 'pod sets automountServiceAccountToken: true';
      const saName = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : 'default';
      const sa = ctx.manifests.find((m) => m.kind === 'ServiceAccount' && m.name === saName && (m.namespace ?? 'default') === pod.namespace);
      return sa?.object.automountServiceAccountToken === false ? undefined : `the token of service account "${saName}" is mounted`;
    }),
  },
  {
    id: 'non-isolated-pod',
    kubeLinter: 'non-isolated-pod',
    severity: 'moderate',
    title: 'No NetworkPolicy selects the pods',
    hint: 'Add a NetworkPolicy (circle deploy init writes a default-deny plus the app’s own allow).',
    run: perPod((pod, ctx) => (policiesFor(pod, ctx).length > 0 ? undefined : 'pods created by this object are non-isolated')),
  },
  {
    id: 'missingNetworkPolicy',
    polaris: 'missingNetworkPolicy',
    severity: 'moderate',
    optIn: true,
    title: 'No NetworkPolicy with both ingress and egress rules selects the pods',
    hint: 'Add a NetworkPolicy with policyTypes [Ingress, Egress] and the rules the app needs.',
    run: perPod((pod, ctx) => {
      const policies = policiesFor(pod, ctx).map((p) => record(p.object.spec));
      const types = (s: Record<string, unknown>): string[] => (Array.isArray(s.policyTypes) ? s.policyTypes.map(String) : ['Ingress']);
      const covers = (type: 'Ingress' | 'Egress', rules: 'ingress' | 'egress') =>
        policies.some((s) => types(s).includes(type) && Array.isArray(s[rules]) && (s[rules] as unknown[]).length > 0);
      return covers('Ingress', 'ingress') && covers('Egress', 'egress') ? undefined : 'no NetworkPolicy with ingress and egress rules selects these pods';
    }),
  },
  {
    id: 'secret-literal-data',
    severity: 'high',
    title: 'A Secret with literal data is in the manifests',
    hint: 'Remove the Secret from the repository: declare the name in deploy/circle-secrets.yaml and keep the value in `circle secrets`.',
    run: (ctx) =>
      ctx.manifests.flatMap((m) => {
        if (m.kind !== 'Secret' || m.apiVersion !== 'v1') return [];
        const keys = [...Object.keys(record(m.object.data)), ...Object.keys(record(m.object.stringData))];
        return keys.length ? [{ manifest: m, message: `Secret "${m.name}" holds literal values for ${keys.length} key(s): ${keys.slice(0, 5).join(', ')}` }] : [];
      }),
  },
];

function policiesFor(pod: PodTemplate, ctx: CheckContext): Manifest[] {
  return ctx.manifests.filter((m) => m.kind === 'NetworkPolicy' && (m.namespace ?? 'default') === pod.namespace && selectorMatches(record(record(m.object.spec).podSelector), pod.labels));
}

/** Every alias (our id, kube-linter's, Polaris's) → the check. */
export function checkByName(name: string): PolicyCheck | undefined {
  return CHECKS.find((c) => c.id === name || c.kubeLinter === name || c.polaris === name);
}

export function checkContext(manifests: Manifest[]): CheckContext {
  const pods: PodTemplate[] = [];
  for (const m of manifests) {
    const pod = podTemplateOf(m);
    if (pod) pods.push(pod);
  }
  return { manifests, pods };
}
