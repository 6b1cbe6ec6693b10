import { z } from 'zod';
import { envNameSchema, secretNameSchema } from '../secrets/names.js';
import { CircleError } from '../errors.js';

/**
 * What `circle deploy init` asks for, validated once here whether it came from the wizard
 * or from flags, and the project file `deploy/circle.yaml` that `render` reads back: the
 * app, its Secret's name and the secret names it takes from `circle secrets`.
 */

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lower-case letters, digits and -, starting and ending with a letter or digit').max(40);
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'a Kubernetes quantity such as 100m, 0.5, 256Mi or 1Gi');
const httpPath = z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, 'an absolute HTTP path such as /healthz');
const hostname = z.string().regex(/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/, 'a DNS host name such as app.example.com');
const settingKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,252}$/, 'letters, digits, _ . and -');

/** An image with a pinned tag or digest: `latest` and a missing tag are refused. */
export const imageSchema = z
  .string()
  .max(512)
  .regex(/^[a-z0-9]+([._\/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, 'an image reference such as ghcr.io/acme/web:1.2.3')
  .refine((image) => /@sha256:[a-f0-9]{64}$/.test(image) || /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(image.slice(image.lastIndexOf('/') + 1)), 'needs a tag or a digest (image:1.2.3 or image@sha256:…)')
  .refine((image) => !/:latest(@|$)/.test(image), '"latest" is refused: pin a version tag or a digest');

export const volumeSchema = z.object({ name: dnsLabel, mountPath: z.string().regex(/^\/[^\0]*$/, 'an absolute path'), size: quantity });

export const resourcesSchema = z.object({ cpuRequest: quantity, memoryRequest: quantity, cpuLimit: quantity, memoryLimit: quantity });

export const appSpecSchema = z.strictObject({
  name: dnsLabel,
  image: imageSchema,
  port: z.number().int().min(1).max(65535),
  replicas: z.number().int().min(1).max(1000),
  resources: resourcesSchema,
  probes: z.object({ liveness: httpPath, readiness: httpPath, startup: httpPath.optional() }),
  settings: z.record(settingKey, z.string().max(65536)),
  secrets: z.array(secretNameSchema).max(200),
  volumes: z.array(volumeSchema).max(20),
  host: hostname.optional(),
  environments: z.array(envNameSchema).min(1).max(20),
});
export type AppSpec = z.output<typeof appSpecSchema>;

export const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'production'];
export const DEFAULT_RESOURCES = { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' };

export function parseAppSpec(input: unknown): AppSpec {
  const r = appSpecSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CircleError('USAGE', `Invalid ${issue.path.join('.') || 'value'}: ${issue.message}`);
  }
  const names = new Set<string>();
  for (const v of r.data.volumes) {
    if (names.has(v.name)) throw new CircleError('USAGE', `Volume "${v.name}" is given twice`);
    names.add(v.name);
  }
  if (new Set(r.data.secrets).size !== r.data.secrets.length) throw new CircleError('USAGE', 'A secret name is given twice');
  if (new Set(r.data.environments).size !== r.data.environments.length) throw new CircleError('USAGE', 'An environment is given twice');
  return r.data;
}

/** `deploy/circle.yaml`: what render needs and nothing secret. Versioned from day one. */
export const deployProjectSchema = z.strictObject({
  version: z.literal(1),
  app: dnsLabel,
  /** The Secret that render builds from `circle secrets` and the Deployment reads with secretKeyRef. */
  secretName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/).max(253),
  secrets: z.array(secretNameSchema).max(200),
  environments: z.array(envNameSchema).min(1),
});
export type DeployProject = z.output<typeof deployProjectSchema>;

export const DEPLOY_PROJECT_FILE = 'circle.yaml';
