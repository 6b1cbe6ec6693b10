import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CircleError } from '../errors.js';
import { envNameSchema } from '../secrets/names.js';
import { kustomizeBuild } from './kubectl.js';
import { isRecord, parseManifests, type Manifest } from './manifests.js';
import { DEPLOY_PROJECT_FILE, deployProjectSchema, type DeployProject } from './spec.js';
import { containersOf, podTemplateOf } from './workloads.js';

/** Reads secret values by name for one environment (the CLI passes `circle secrets`' backend). */
export type SecretValues = (names: string[]) => Promise<Record<string, string>>;

export interface RenderRequest {
  /** The deploy tree (holds circle.yaml, base/ and overlays/). */
  dir: string;
  env: string;
  /** Omitted: render without the Secret (as `kubectl kustomize` alone would). */
  readSecrets?: SecretValues;
  processEnv?: NodeJS.ProcessEnv;
  /** Called once kustomize is running: work that can overlap with it (loading schemas) starts here. */
  onKustomizeStarted?: () => void;
}

export interface RenderedEnvironment {
  env: string;
  overlay: string;
  engine: string;
  /** `kubectl kustomize` output, unchanged: what validate checks (it never sees secret values). */
  manifests: string;
  /** manifests plus the Secret: what goes to stdout or to kubectl's stdin, never to disk. */
  stream: string;
  /** sha256 of `manifests` (no secret values): the digest recorded in the audit log. */
  digest: string;
  secret?: { name: string; namespaces: string[]; keys: string[] };
}

/** deploy/circle.yaml, or undefined when the tree has none (a hand-made tree without secrets). */
export async function loadDeployProject(dir: string): Promise<DeployProject | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, DEPLOY_PROJECT_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = parse(text, { uniqueKeys: true, maxAliasCount: 10 });
  } catch (error) {
    throw new CircleError('USAGE', `${join(dir, DEPLOY_PROJECT_FILE)} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const r = deployProjectSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CircleError('USAGE', `${join(dir, DEPLOY_PROJECT_FILE)}: ${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  return r.data;
}

/** The overlay of an environment; the name is checked first so `--env ../../x` cannot leave the tree. */
export async function overlayDir(dir: string, env: string): Promise<string> {
  if (!envNameSchema.safeParse(env).success) throw new CircleError('USAGE', `Invalid environment name ${JSON.stringify(env)}`, { hint: 'Lower-case letters, digits, - and _.' });
  const overlay = join(dir, 'overlays', env);
  const st = await stat(overlay).catch(() => undefined);
  if (!st?.isDirectory()) {
    const known = await listEnvironments(dir);
    throw new CircleError('NOT_FOUND', `No overlay for environment "${env}" in ${join(dir, 'overlays')}`, {
      hint: known.length ? `Environments: ${known.join(', ')}.` : 'Create a tree with `circle deploy init`.',
    });
  }
  return overlay;
}

export async function listEnvironments(dir: string): Promise<string[]> {
  const entries = await readdir(join(dir, 'overlays'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && envNameSchema.safeParse(e.name).success).map((e) => e.name).sort();
}

export async function renderEnvironment(request: RenderRequest): Promise<RenderedEnvironment> {
  const overlay = await overlayDir(request.dir, request.env);
  const project = await loadDeployProject(request.dir);
  const { output, engine } = await kustomizeBuild(overlay, request.processEnv, request.onKustomizeStarted);
  const manifests = output.toString('utf8');
  const digest = createHash('sha256').update(output).digest('hex');
  const base: RenderedEnvironment = { env: request.env, overlay, engine: engine.name, manifests, stream: manifests, digest };
  if (!project || project.secrets.length === 0 || !request.readSecrets) return base;

  const values = await request.readSecrets(project.secrets);
  const missing = project.secrets.filter((n) => values[n] === undefined);
  if (missing.length) {
    throw new CircleError('NOT_FOUND', `No secret ${missing.join(', ')} in environment ${request.env}`, { hint: `Set it with \`circle secrets set ${missing[0]} --env ${request.env}\`.` });
  }
  const namespaces = secretNamespaces(parseManifests(manifests, '<rendered>').manifests, project.secretName);
  const secrets = namespaces.map((namespace) => secretDocument(project.secretName, namespace, project.secrets, values));
  const separator = manifests === '' || manifests.endsWith('\n') ? '' : '\n';
  return { ...base, stream: `${manifests}${separator}${secrets.map((s) => `---\n${s}`).join('')}`, secret: { name: project.secretName, namespaces: namespaces.map((n) => n ?? ''), keys: [...project.secrets] } };
}

/** The namespaces of the workloads that read the Secret (one Secret each); none found → the overlay's default namespace. */
function secretNamespaces(manifests: Manifest[], secretName: string): (string | undefined)[] {
  const found = new Set<string | undefined>();
  for (const m of manifests) {
    const pod = podTemplateOf(m);
    if (!pod) continue;
    const refs = containersOf(pod).some((c) => {
      const env = Array.isArray(c.spec.env) ? c.spec.env.filter(isRecord) : [];
      const envFrom = Array.isArray(c.spec.envFrom) ? c.spec.envFrom.filter(isRecord) : [];
      return env.some((e) => (e.valueFrom as { secretKeyRef?: { name?: string } } | undefined)?.secretKeyRef?.name === secretName) || envFrom.some((e) => (e.secretRef as { name?: string } | undefined)?.name === secretName);
    });
    if (refs) found.add(m.namespace);
  }
  return found.size ? [...found] : [undefined];
}

function secretDocument(name: string, namespace: string | undefined, keys: string[], values: Record<string, string>): string {
  const data: Record<string, string> = {};
  for (const k of keys) data[k] = Buffer.from(values[k]!, 'utf8').toString('base64');
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'circle' } },
      type: 'Opaque',
      data,
    },
    { lineWidth: 0 },
  );
}
