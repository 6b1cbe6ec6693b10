import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { dirFlag } from '../../cli/deploy/shared.js';
import { CircleError } from '../../core/errors.js';
import type { DeployInitResult } from '../../core/deploy/types.js';

export default class DeployInit extends BaseCommand<typeof DeployInit> {
  static override summary = 'Generate secure-by-default Kubernetes manifests: a kustomize base and one overlay per environment.';
  static override description = [
    'Writes deploy/base (Deployment, Service, ConfigMap, ServiceAccount without token automount, default-deny',
    'NetworkPolicy plus the app\'s own allow, PodDisruptionBudget, HorizontalPodAutoscaler, optional PVCs and',
    'Ingress with TLS) and deploy/overlays/<env> (namespace, replicas, image, resources). Containers run as non-root',
    'with a read-only root file system, no privilege escalation, all capabilities dropped and the RuntimeDefault',
    'seccomp profile. Secret names go to deploy/circle.yaml; their values stay in `circle secrets`.',
    'On a terminal, asks for what the flags do not give; with --no-input or in CI, --name and --image are required.',
    'Never overwrites an existing file.',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> deploy init',
    '<%= config.bin %> deploy init --name web --image ghcr.io/acme/web:1.2.3 --port 8080 --secret DATABASE_URL --yes',
    '<%= config.bin %> deploy init --name api --image ghcr.io/acme/api@sha256:… --host api.example.com --volume data:/var/lib/api:5Gi --setting LOG_LEVEL=info --yes',
  ];

  static override flags = {
    dir: dirFlag,
    name: Flags.string({ description: 'App name (DNS label: lower-case letters, digits, -).' }),
    image: Flags.string({ description: 'Container image with a tag or digest (latest is refused).' }),
    port: Flags.integer({ description: 'Container port.', min: 1, max: 65535 }),
    replicas: Flags.integer({ description: 'Replicas outside dev (dev gets 1).', min: 1, max: 1000 }),
    'cpu-request': Flags.string({ description: 'CPU request (default 100m).' }),
    'memory-request': Flags.string({ description: 'Memory request (default 128Mi).' }),
    'cpu-limit': Flags.string({ description: 'CPU limit (default 500m).' }),
    'memory-limit': Flags.string({ description: 'Memory limit (default 256Mi).' }),
    'liveness-path': Flags.string({ description: 'HTTP path of the liveness probe (default /healthz).' }),
    'readiness-path': Flags.string({ description: 'HTTP path of the readiness probe (default /readyz).' }),
    'startup-path': Flags.string({ description: 'HTTP path of the startup probe (default: the liveness path; "none" for no startup probe).' }),
    setting: Flags.string({ description: 'Plain setting KEY=VALUE for the ConfigMap (repeatable).', multiple: true }),
    secret: Flags.string({ description: 'Secret name read from `circle secrets` at render time (repeatable).', multiple: true }),
    volume: Flags.string({ description: 'Persistent volume NAME:MOUNT_PATH:SIZE, e.g. data:/var/lib/app:1Gi (repeatable).', multiple: true }),
    host: Flags.string({ description: 'Ingress host name (TLS on); no Ingress without it.' }),
    environments: Flags.string({ description: 'Comma-separated environments (default dev,staging,production).' }),
    yes: Flags.boolean({ description: 'Write without asking for confirmation.' }),
  };

  async run(): Promise<DeployInitResult> {
    const { flags } = await this.parse(DeployInit);
    const { resolve, join, dirname } = await import('node:path');
    const { mkdir, writeFile, stat } = await import('node:fs/promises');
    const deploy = await import('../../core/deploy/index.js');
    const interactive = this.canPrompt();
    const prompts = interactive ? await import('../../cli/prompts.js') : undefined;
    const ask = async (flag: string, value: string | undefined, message: string, fallback?: string): Promise<string | undefined> => {
      if (value !== undefined) return value;
      if (prompts) return (await prompts.promptText(message, fallback)).trim() || fallback;
      return fallback;
    };
    const required = (flag: string, value: string | undefined): string => {
      if (value === undefined || value === '') throw new CircleError('INPUT_REQUIRED', `Missing --${flag}`, { hint: `Pass --${flag} (no prompt without a terminal, in CI or with --no-input).` });
      return value;
    };
    const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

    const name = required('name', await ask('name', flags.name, 'App name'));
    const image = required('image', await ask('image', flags.image, 'Image (with a tag or digest, e.g. ghcr.io/acme/web:1.2.3)'));
    const port = Number(await ask('port', flags.port?.toString(), 'Container port', '8080'));
    const replicas = Number(await ask('replicas', flags.replicas?.toString(), 'Replicas (staging, production)', '2'));
    const resources = {
      cpuRequest: (await ask('cpu-request', flags['cpu-request'], 'CPU request', deploy.DEFAULT_RESOURCES.cpuRequest))!,
      memoryRequest: (await ask('memory-request', flags['memory-request'], 'Memory request', deploy.DEFAULT_RESOURCES.memoryRequest))!,
      cpuLimit: (await ask('cpu-limit', flags['cpu-limit'], 'CPU limit', deploy.DEFAULT_RESOURCES.cpuLimit))!,
      memoryLimit: (await ask('memory-limit', flags['memory-limit'], 'Memory limit', deploy.DEFAULT_RESOURCES.memoryLimit))!,
    };
    const liveness = (await ask('liveness-path', flags['liveness-path'], 'Liveness probe path', '/healthz'))!;
    const readiness = (await ask('readiness-path', flags['readiness-path'], 'Readiness probe path', '/readyz'))!;
    const startup = (await ask('startup-path', flags['startup-path'], 'Startup probe path ("none" for none)', liveness))!;
    const settingsInput = flags.setting ?? list(await ask('setting', undefined, 'Plain settings KEY=VALUE, comma-separated (ConfigMap)', ''));
    const secrets = flags.secret ?? list(await ask('secret', undefined, 'Secret names from `circle secrets`, comma-separated', ''));
    const volumesInput = flags.volume ?? list(await ask('volume', undefined, 'Volumes NAME:PATH:SIZE, comma-separated', ''));
    const host = await ask('host', flags.host, 'Ingress host (empty for no Ingress)', '');
    const environments = list(await ask('environments', flags.environments, 'Environments', deploy.DEFAULT_ENVIRONMENTS.join(',')));

    const settings: Record<string, string> = {};
    for (const s of settingsInput) {
      const eq = s.indexOf('=');
      if (eq <= 0) throw new CircleError('USAGE', `--setting ${JSON.stringify(s)} is not KEY=VALUE`);
      settings[s.slice(0, eq)] = s.slice(eq + 1);
    }
    const volumes = volumesInput.map((v) => {
      const [vname, mountPath, size, ...rest] = v.split(':');
      if (!vname || !mountPath || !size || rest.length) throw new CircleError('USAGE', `--volume ${JSON.stringify(v)} is not NAME:MOUNT_PATH:SIZE`);
      return { name: vname, mountPath, size };
    });
    const spec = deploy.parseAppSpec({
      name,
      image,
      port,
      replicas,
      resources,
      probes: { liveness, readiness, ...(startup && startup !== 'none' ? { startup } : {}) },
      settings,
      secrets,
      volumes,
      ...(host ? { host } : {}),
      environments: environments.length ? environments : deploy.DEFAULT_ENVIRONMENTS,
    });

    const dir = resolve(flags.dir);
    const files = deploy.generateTree(spec);
    const existing: string[] = [];
    for (const rel of files.keys()) if (await stat(join(dir, rel)).catch(() => undefined)) existing.push(rel);
    if (existing.length) throw new CircleError('ALREADY_EXISTS', `${existing.length} file(s) already exist in ${dir}, e.g. ${existing[0]}; nothing was written`, { hint: 'Use another --dir, or move the old tree away first.' });
    if (!flags.yes && prompts && !(await prompts.promptConfirm(`Write ${files.size} files to ${dir}?`, true))) throw new CircleError('USAGE', 'Cancelled; nothing was written');

    for (const [rel, content] of files) {
      const path = join(dir, rel);
      await mkdir(dirname(path), { recursive: true });
      // 'wx': never replace a file that appeared since the check above.
      await writeFile(path, content, { flag: 'wx', mode: 0o644 });
    }
    const written = [...files.keys()].sort();
    this.note(`Wrote ${written.length} files to ${dir}. Next: circle deploy validate, then circle deploy render --env ${spec.environments[0]}.`);
    if (spec.secrets.length) this.note(`Set the secrets per environment: circle secrets set ${spec.secrets[0]} --env ${spec.environments[0]}`);
    if (!this.jsonEnabled()) for (const f of written) this.log(join(flags.dir, f));
    return { dir, app: spec.name, environments: spec.environments, files: written };
  }
}
