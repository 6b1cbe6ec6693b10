import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CHECKS } from '../../../src/core/deploy/checks.js';
import { generateTree } from '../../../src/core/deploy/generate.js';
import { parseManifests } from '../../../src/core/deploy/manifests.js';
import { SchemaValidator } from '../../../src/core/deploy/schema.js';
import { DEFAULT_ENVIRONMENTS, DEFAULT_RESOURCES, parseAppSpec } from '../../../src/core/deploy/spec.js';
import { failsAt, selectChecks, validateManifests } from '../../../src/core/deploy/validate.js';
import { toSarif } from '../../../src/core/scan/report/sarif.js';

const spec = (over: Record<string, unknown> = {}) =>
  parseAppSpec({
    name: 'web',
    image: 'ghcr.io/acme/web:1.2.3',
    port: 8080,
    replicas: 2,
    resources: DEFAULT_RESOURCES,
    probes: { liveness: '/healthz', readiness: '/readyz', startup: '/healthz' },
    settings: { LOG_LEVEL: 'info' },
    secrets: ['DATABASE_URL'],
    volumes: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    host: 'web.example.com',
    environments: DEFAULT_ENVIRONMENTS,
    ...over,
  });

/** The base's documents as one stream (what validate sees before kustomize adds namespaces). */
function baseStream(files: Map<string, string>): string {
  return [...files].filter(([p]) => p.startsWith('base/') && !p.endsWith('kustomization.yaml')).map(([, c]) => c).join('---\n');
}

describe('the generated base', () => {
  it('passes every check, opt-in ones included, and the strict schemas', async () => {
    const files = generateTree(spec());
    const stream = parseManifests(baseStream(files), 'base', { rejectDuplicateKeys: true });
    expect(stream.problems).toEqual([]);
    const report = await validateManifests(stream, { root: '/', settings: { enable: CHECKS.filter((c) => c.optIn).map((c) => c.id) } });
    expect(report.findings).toEqual([]);
    expect(report.stats?.noSchema).toBe(0);
    expect(stream.manifests.map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'NetworkPolicy', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
    );
  });

  it('stays clean for any valid answers (property test over names, ports, replicas, secrets, volumes)', async () => {
    const validator = await SchemaValidator.create();
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 1, max: 20 }),
        fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/), { maxLength: 4 }),
        fc.boolean(),
        async (name, port, replicas, secrets, withHost) => {
          const files = generateTree(spec({ name, port, replicas, secrets, host: withHost ? `${name}.example.com` : undefined, volumes: [] }));
          const stream = parseManifests(baseStream(files), 'base', { rejectDuplicateKeys: true });
          const report = await validateManifests(stream, { root: '/', validator });
          expect(report.findings).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('writes no secret value anywhere: only names in circle.yaml and secretKeyRef', () => {
    const files = generateTree(spec({ secrets: ['API_TOKEN'] }));
    const all = [...files.values()].join('\n');
    expect(all).toContain('API_TOKEN');
    expect(all).not.toMatch(/kind: Secret\b/);
    expect(files.get('circle.yaml')).toMatch(/secretName: web-secrets/);
  });
});

describe('app spec validation (wizard and flags alike)', () => {
  it.each([
    ['ghcr.io/acme/web:latest', /latest/],
    ['ghcr.io/acme/web', /tag or a digest/],
    ['registry:5000/web', /tag or a digest/],
    ['Bad Image', /image reference/],
  ])('refuses image %s', (image, message) => {
    expect(() => spec({ image })).toThrow(message);
  });

  it('accepts tags and digests', () => {
    expect(spec({ image: 'registry:5000/web:v2' }).image).toBe('registry:5000/web:v2');
    expect(spec({ image: `ghcr.io/acme/web@sha256:${'a'.repeat(64)}` }).image).toContain('@sha256:');
  });

  it('refuses names, quantities and paths that would break or escape the manifests', () => {
    expect(() => spec({ name: 'Web' })).toThrow(/name/);
    expect(() => spec({ name: '../x' })).toThrow(/name/);
    expect(() => spec({ resources: { ...DEFAULT_RESOURCES, memoryLimit: '1 GB' } })).toThrow(/quantity/);
    expect(() => spec({ probes: { liveness: 'healthz', readiness: '/r' } })).toThrow(/path/);
    expect(() => spec({ environments: ['prod', 'prod'] })).toThrow(/twice/);
    expect(() => spec({ secrets: ['__proto__'] })).toThrow();
  });

  it('uses the digest in overlays when the image is pinned by digest', () => {
    const files = generateTree(spec({ image: `ghcr.io/acme/web@sha256:${'b'.repeat(64)}` }));
    expect(files.get('overlays/production/kustomization.yaml')).toContain(`digest: sha256:${'b'.repeat(64)}`);
  });
});

const deployment = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', ...extra },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', ...container }] } } },
  });

describe('schema validation', () => {
  it('strict mode rejects an unknown field (spec.replica) and names it; lenient accepts it', async () => {
    const text = deployment().replace('spec:\n', 'spec:\n  replica: 3\n');
    const strict = await validateManifests(parseManifests(text, 'd.yaml'), { root: '/', policy: false, validator: await SchemaValidator.create({ strict: true }) });
    expect(strict.findings.map((f) => f.message)).toEqual([expect.stringMatching(/unknown field "replica"/)]);
    const lenient = await validateManifests(parseManifests(text, 'd.yaml'), { root: '/', policy: false, validator: await SchemaValidator.create({ strict: false }) });
    expect(lenient.findings).toEqual([]);
  });

  it('rejects duplicate keys in strict parsing, with the line', () => {
    const parsed = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n', 'dup.yaml', { rejectDuplicateKeys: true });
    expect(parsed.problems).toMatchObject([{ reason: 'duplicate-key', line: 5 }]);
  });

  it('says "no schema" for an unknown kind instead of passing it silently', async () => {
    const report = await validateManifests(parseManifests('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n', 'w.yaml'), { root: '/', policy: false });
    expect(report.warnings).toEqual([expect.stringMatching(/no schema for example.com\/v1\/Widget/)]);
    expect(report.stats?.noSchema).toBe(1);
  });

  it('refuses an unsupported --k8s-version', async () => {
    await expect(SchemaValidator.create({ k8sVersion: '1.2' })).rejects.toThrow(/No Kubernetes schemas for version 1.2/);
  });

  it('survives an alias bomb without exhausting memory', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const parsed = parseManifests(bomb, 'bomb.yaml');
    expect(parsed.manifests).toEqual([]);
    expect(parsed.problems[0]?.reason).toBe('yaml-syntax');
  });
});

describe('exemptions and settings', () => {
  const privileged = deployment({}, { securityContext: { privileged: true } });

  it('an annotation with a reason exempts one object from one check, by any of its names', async () => {
    for (const name of ['privileged-container', 'runAsPrivileged']) {
      const text = deployment({ annotations: { [`circle.dev/ignore-check.${name}`]: 'node agent needs it (OPS-1)' } }, { securityContext: { privileged: true } });
      const report = await validateManifests(parseManifests(text, 'x.yaml'), { root: '/', schema: false, settings: { only: ['privileged-container'] } });
      expect(report.findings).toEqual([]);
      expect(report.stats?.exempted).toBe(1);
    }
  });

  it('an annotation without a reason exempts nothing and says so', async () => {
    const text = deployment({ annotations: { 'circle.dev/ignore-check.privileged-container': ' ' } }, { securityContext: { privileged: true } });
    const report = await validateManifests(parseManifests(text, 'x.yaml'), { root: '/', schema: false, settings: { only: ['privileged-container'] } });
    expect(report.findings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/has no reason/);
  });

  it('deploy.policy.disable turns a check off; unknown names are refused; opt-in checks need enable', async () => {
    const on = await validateManifests(parseManifests(privileged, 'x.yaml'), { root: '/', schema: false });
    expect(on.findings.map((f) => f.ruleId)).toContain('privileged-container');
    const off = await validateManifests(parseManifests(privileged, 'x.yaml'), { root: '/', schema: false, settings: { disable: ['runAsPrivileged'] } });
    expect(off.findings.map((f) => f.ruleId)).not.toContain('privileged-container');
    expect(() => selectChecks({ disable: ['no-such-check'] })).toThrow(/Unknown deploy check/);
    expect(selectChecks().map((c) => c.id)).not.toContain('missingNetworkPolicy');
    expect(selectChecks({ enable: ['missingNetworkPolicy'] }).map((c) => c.id)).toContain('missingNetworkPolicy');
  });

  it('every check has a severity, a one-line title and a fix hint, and findings carry the hint', async () => {
    for (const c of CHECKS) {
      expect(c.title).not.toMatch(/\n/);
      expect(c.hint.length).toBeGreaterThan(10);
    }
    const report = await validateManifests(parseManifests(privileged, 'x.yaml'), { root: '/', schema: false });
    expect(report.findings.every((f) => typeof f.properties?.hint === 'string')).toBe(true);
    expect(failsAt(report, 'critical')).toBe(true);
  });

  it('produces a SARIF 2.1.0 run like the scanners, one rule per check that fired', async () => {
    const report = await validateManifests(parseManifests(privileged, 'x.yaml'), { root: '/repo', schema: false });
    const sarif = toSarif(report, { name: 'circle-deploy-validate', version: '0.0.0' }) as { runs: { automationDetails: { id: string }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.runs[0]!.automationDetails.id).toBe('circle-scan-deploy/');
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('x.yaml');
  });

  it('flags a Secret with literal data, and env-var-secret for a literal secret in env', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2\n';
    const report = await validateManifests(parseManifests(secret, 's.yaml'), { root: '/', schema: false });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['secret-literal-data']);
    expect(report.findings[0]!.message).not.toContain('hunter2');
    const env = deployment({}, { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] });
    const r2 = await validateManifests(parseManifests(env, 'e.yaml'), { root: '/', schema: false, settings: { only: ['env-var-secret'] } });
    expect(r2.findings).toHaveLength(1);
    expect(r2.findings[0]!.message).not.toContain('hunter2');
  });
});
