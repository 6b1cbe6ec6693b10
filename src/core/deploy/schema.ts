import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import { CircleError } from '../errors.js';
import type { Manifest } from './manifests.js';

/**
 * Offline schema validation of Kubernetes objects with ajv, the way kubeconform does it:
 * the schema is found through `x-kubernetes-group-version-kind`, `null` values count as
 * absent (parseManifests strips them), and strict mode closes every object that lists its
 * properties (additionalProperties: false) so `spec.replica` is caught.
 */

/** Kubernetes minor versions `--k8s-version` accepts, and the shipped schema set each uses. */
export const SCHEMA_SETS: Record<string, string> = {
  '1.29': 'master',
  '1.30': 'master',
  '1.31': 'master',
  '1.32': 'master',
  '1.33': 'master',
  master: 'master',
};
export const DEFAULT_K8S_VERSION = '1.32';

export interface SchemaIssue {
  /** JSON pointer of the offending value inside the object (`/spec/replica`). */
  pointer: string;
  message: string;
}

export type SchemaVerdict =
  | { status: 'valid' }
  | { status: 'invalid'; issues: SchemaIssue[] }
  | { status: 'no-schema' };

export interface SchemaValidatorOptions {
  k8sVersion?: string;
  strict?: boolean;
  /** Extra JSON schema files for CRDs: `<kind>_<version>.json` or any file with x-kubernetes-group-version-kind. */
  schemaDir?: string;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
type PrecompiledModule = Record<string, Validate> & { __index: Record<string, string> };

/**
 * Finds the precompiled validators (dist/k8s-schemas, made by scripts/build-k8s-validators.mjs
 * from schemas/kubernetes/*.json at build time) from dist/, dist/cli.cjs or src/ alike.
 */
function validatorsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'k8s-schemas'), join(dir, 'dist', 'k8s-schemas')]) if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new CircleError('INTERNAL', 'The Kubernetes schemas are missing from this installation of circle', { hint: 'Reinstall circle-core (npm run build makes them in a checkout).' });
}

const moduleCache = new Map<string, PrecompiledModule>();
function loadPrecompiled(set: string, strict: boolean): PrecompiledModule {
  const file = join(validatorsDir(), `${set}.${strict ? 'strict' : 'lenient'}.cjs`);
  let mod = moduleCache.get(file);
  if (!mod) {
    mod = createRequire(import.meta.url)(file) as PrecompiledModule;
    moduleCache.set(file, mod);
  }
  return mod;
}

/** additionalProperties: false on every object schema that names its properties and says nothing else. */
function closeObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closeObjects);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, closeObjects(s)])) : closeObjects(v);
    }
    if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  }
  return value;
}

function gvkKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `${group}/${version}/${kind}`.toLowerCase();
}

export class SchemaValidator {
  readonly k8sVersion: string;
  readonly strict: boolean;
  private readonly builtin: PrecompiledModule;
  /** CRD schemas from --schema-dir, compiled with ajv at run time. */
  private readonly custom = new Map<string, Validate>();

  private constructor(options: SchemaValidatorOptions) {
    this.k8sVersion = options.k8sVersion ?? DEFAULT_K8S_VERSION;
    this.strict = options.strict ?? true;
    const set = SCHEMA_SETS[this.k8sVersion];
    if (!set) {
      throw new CircleError('USAGE', `No Kubernetes schemas for version ${this.k8sVersion}`, { hint: `Supported: ${Object.keys(SCHEMA_SETS).join(', ')}.` });
    }
    this.builtin = loadPrecompiled(set, this.strict);
  }

  static async create(options: SchemaValidatorOptions = {}): Promise<SchemaValidator> {
    const validator = new SchemaValidator(options);
    if (options.schemaDir !== undefined) await validator.addSchemaDir(options.schemaDir);
    return validator;
  }

  /** CRD schemas: every *.json file; its kind comes from x-kubernetes-group-version-kind or the file name (`<kind>-<group prefix>-<version>.json` as kubeconform, `<kind>_<version>.json` or `<kind>.json`). */
  private async addSchemaDir(dir: string): Promise<void> {
    const { readdir, readFile } = await import('node:fs/promises');
    const mod = await import('ajv');
    // ajv is CommonJS: under Node's ESM loader the class is `default.default`, under a bundler `default`.
    const Ajv = ((mod.default as unknown as { default?: typeof import('ajv').default }).default ?? mod.default) as typeof import('ajv').default;
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
    const files = await readdir(dir).catch(() => {
      throw new CircleError('NOT_FOUND', `No such schema directory: ${dir}`);
    });
    for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
      let schema: Record<string, unknown>;
      try {
        schema = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
      } catch {
        throw new CircleError('USAGE', `Schema file ${file} is not valid JSON`);
      }
      const body = (this.strict ? closeObjects(schema) : structuredClone(schema)) as Record<string, unknown>;
      delete body.$schema;
      delete body.$id;
      let validate: Validate;
      try {
        validate = ajv.compile(body);
      } catch (error) {
        throw new CircleError('USAGE', `Schema file ${file} is not a usable JSON schema: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
      const gvks = schema['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
      if (gvks?.length) {
        for (const g of gvks) this.custom.set(`${g.group}/${g.version}/${g.kind}`.toLowerCase(), validate);
      } else {
        this.custom.set(`file:${file.replace(/\.json$/, '')}`.toLowerCase(), validate);
      }
    }
  }

  private lookup(manifest: Manifest): Validate | undefined {
    const key = gvkKey(manifest.apiVersion, manifest.kind);
    const custom = this.custom.get(key);
    if (custom) return custom;
    const id = this.builtin.__index[key];
    if (id !== undefined) return this.builtin[id];
    // File names: kubeconform's `<kind>-<group prefix>-<version>.json`, `<kind>_<version>.json`, `<kind>.json`.
    const slash = manifest.apiVersion.lastIndexOf('/');
    const version = manifest.apiVersion.slice(slash + 1);
    const groupPrefix = slash < 0 ? '' : manifest.apiVersion.slice(0, slash).split('.')[0];
    const kind = manifest.kind.toLowerCase();
    const names = [groupPrefix ? `${kind}-${groupPrefix}-${version}` : `${kind}-${version}`, `${kind}_${version}`, kind];
    for (const name of names) {
      const found = this.custom.get(`file:${name}`.toLowerCase());
      if (found) return found;
    }
    return undefined;
  }

  validate(manifest: Manifest): SchemaVerdict {
    const validate = this.lookup(manifest);
    if (!validate) return { status: 'no-schema' };
    if (validate(manifest.object)) return { status: 'valid' };
    return { status: 'invalid', issues: (validate.errors ?? []).slice(0, 5).map(describeIssue) };
  }
}

function describeIssue(error: ErrorObject): SchemaIssue {
  const pointer = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty?: string }).additionalProperty ?? '');
    return { pointer: `${error.instancePath}/${extra}`, message: `unknown field "${extra}"${error.instancePath ? ` in ${error.instancePath}` : ''}` };
  }
  return { pointer, message: `${pointer} ${error.message ?? 'is invalid'}` };
}
