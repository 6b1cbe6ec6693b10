import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
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

interface Definitions {
  definitions: Record<string, Record<string, unknown> & { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }>;
}

/** Finds `schemas/kubernetes` from dist/, dist/cli.cjs or src/ alike. */
function schemaRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schemas', 'kubernetes');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new CircleError('INTERNAL', 'The Kubernetes schemas are missing from this installation of circle');
}

const definitionCache = new Map<string, Definitions>();
function loadDefinitions(set: string): Definitions {
  let defs = definitionCache.get(set);
  if (!defs) {
    defs = JSON.parse(readFileSync(join(schemaRoot(), `${set}.json`), 'utf8')) as Definitions;
    definitionCache.set(set, defs);
  }
  return defs;
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
  private readonly ajv: import('ajv').default;
  private readonly byGvk = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(AjvClass: typeof import('ajv').default, options: SchemaValidatorOptions) {
    this.k8sVersion = options.k8sVersion ?? DEFAULT_K8S_VERSION;
    this.strict = options.strict ?? true;
    const set = SCHEMA_SETS[this.k8sVersion];
    if (!set) {
      throw new CircleError('USAGE', `No Kubernetes schemas for version ${this.k8sVersion}`, { hint: `Supported: ${Object.keys(SCHEMA_SETS).join(', ')}.` });
    }
    // Formats (int-or-string, int32, …) are not validated, as kubeconform; x-kubernetes-* keywords are ignored.
    this.ajv = new AjvClass({ strict: false, validateFormats: false, allErrors: false, messages: true });
    const defs = loadDefinitions(set);
    const definitions = this.strict ? (closeObjects(defs.definitions) as Definitions['definitions']) : defs.definitions;
    this.ajv.addSchema({ $id: 'k8s', definitions }, 'k8s');
    for (const [name, schema] of Object.entries(defs.definitions)) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        this.byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`.toLowerCase(), `k8s#/definitions/${name}`);
      }
    }
  }

  /** ajv is loaded on first use so that commands that never validate do not pay for it. */
  static async create(options: SchemaValidatorOptions = {}): Promise<SchemaValidator> {
    const mod = await import('ajv');
    // ajv is CommonJS: under Node's ESM loader the class is `default.default`, under a bundler `default`.
    const Ajv = ((mod.default as unknown as { default?: typeof import('ajv').default }).default ?? mod.default) as typeof import('ajv').default;
    const validator = new SchemaValidator(Ajv, options);
    if (options.schemaDir !== undefined) await validator.addSchemaDir(options.schemaDir);
    return validator;
  }

  /** CRD schemas: every *.json file; its kind comes from x-kubernetes-group-version-kind or the file name `<kind>[_<version>].json`. */
  private async addSchemaDir(dir: string): Promise<void> {
    const { readdir, readFile } = await import('node:fs/promises');
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
      const id = `crd:${file}`;
      const body = this.strict ? (closeObjects(schema) as Record<string, unknown>) : schema;
      delete body.$schema;
      delete body.$id;
      this.ajv.addSchema(body, id);
      const gvks = schema['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
      if (gvks?.length) {
        for (const g of gvks) this.byGvk.set(`${g.group}/${g.version}/${g.kind}`.toLowerCase(), id);
      } else {
        const [kind, version] = file.replace(/\.json$/, '').split('_');
        this.byGvk.set(`file:${kind}${version ? `/${version}` : ''}`.toLowerCase(), id);
      }
    }
  }

  private lookup(manifest: Manifest): string | undefined {
    const ref = this.byGvk.get(gvkKey(manifest.apiVersion, manifest.kind));
    if (ref) return ref;
    const version = manifest.apiVersion.split('/').pop()!;
    return this.byGvk.get(`file:${manifest.kind}/${version}`.toLowerCase()) ?? this.byGvk.get(`file:${manifest.kind}`.toLowerCase());
  }

  validate(manifest: Manifest): SchemaVerdict {
    const ref = this.lookup(manifest);
    if (!ref) return { status: 'no-schema' };
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
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
