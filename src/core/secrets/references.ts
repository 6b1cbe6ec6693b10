import { CircleError } from '../errors.js';
import type { SecretsBackend } from './backend.js';
import { envNameSchema, secretNameSchema } from './names.js';

/**
 * `secret://NAME` and `secret://ENV/NAME`: a value that stands for a secret and
 * is replaced by it at run time (in the environment of `circle secrets run`'s
 * child, or in any configuration object a library user hands to
 * `resolveSecretReferences`). Only a whole value is a reference — no
 * interpolation inside longer strings — so a value that merely mentions the
 * scheme in the middle is left alone, and nothing is ever re-parsed.
 */
export const SECRET_REFERENCE_PREFIX = 'secret://';

export interface SecretReference {
  /** The environment named in the reference, or undefined for "the current one". */
  env: string | undefined;
  name: string;
}

/** A reference that was replaced: where it was and what it named; never the value. */
export interface ResolvedReference {
  /** Where the reference was: an environment variable name, or a dotted path in an object. */
  path: string;
  reference: string;
  env: string;
  name: string;
}

/**
 * The reference a value holds, or undefined when it is not one. A value that
 * starts with `secret://` but is malformed is a USAGE error (exit 2): passing it
 * on as a literal would hide a typo until the application failed.
 */
export function parseSecretReference(value: string, where?: string): SecretReference | undefined {
  if (!value.startsWith(SECRET_REFERENCE_PREFIX)) return undefined;
  const rest = value.slice(SECRET_REFERENCE_PREFIX.length);
  const slash = rest.indexOf('/');
  const env = slash === -1 ? undefined : rest.slice(0, slash);
  const name = slash === -1 ? rest : rest.slice(slash + 1);
  const envOk = env === undefined || envNameSchema.safeParse(env).success;
  if (!envOk || !secretNameSchema.safeParse(name).success) {
    // The text is a reference, not a secret, so naming it in the error is safe.
    throw new CircleError('USAGE', `Malformed secret reference ${JSON.stringify(value)}${where ? ` in ${where}` : ''}`, {
      hint: 'Write secret://NAME or secret://ENV/NAME (ENV lower-case, NAME an environment-variable name).',
      details: { reference: value, ...(where ? { path: where } : {}) },
    });
  }
  return { env, name };
}

export function formatSecretReference(ref: SecretReference): string {
  return `${SECRET_REFERENCE_PREFIX}${ref.env === undefined ? '' : `${ref.env}/`}${ref.name}`;
}

/** Reads one secret for a reference; `env` is already defaulted. */
export type SecretReader = (ref: { env: string; name: string }) => Promise<string>;

export interface ResolveReferencesOptions {
  /** The environment of `secret://NAME` (no ENV part). */
  defaultEnv: string;
  read: SecretReader;
}

/**
 * A copy of `value` with every string that is a `secret://` reference replaced
 * by the secret, walking plain objects and arrays (an application's parsed
 * config). Each distinct secret is read once. A reference to a missing secret
 * is NOT_FOUND (exit 4) naming the reference and where it was.
 */
export async function resolveSecretReferences<T>(value: T, options: ResolveReferencesOptions): Promise<{ value: T; resolved: ResolvedReference[] }> {
  const found: { path: string; reference: string; env: string; name: string }[] = [];
  collect(value, '', found);
  const values = await readAll(found, options.read);
  const replaced = replace(value, '', values) as T;
  return { value: replaced, resolved: found.map(({ path, reference, env, name }) => ({ path, reference, env, name })) };

  function collect(node: unknown, path: string, out: typeof found): void {
    if (typeof node === 'string') {
      const ref = parseSecretReference(node, path || '(value)');
      if (ref) out.push({ path, reference: node, env: ref.env ?? options.defaultEnv, name: ref.name });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => collect(item, `${path}[${i}]`, out));
    } else if (isPlainObject(node)) {
      for (const [key, item] of Object.entries(node)) collect(item, path ? `${path}.${key}` : key, out);
    }
  }

  function replace(node: unknown, path: string, resolvedValues: Map<string, string>): unknown {
    if (typeof node === 'string') {
      const hit = found.find((f) => f.path === path && f.reference === node);
      return hit ? resolvedValues.get(key(hit)) : node;
    }
    if (Array.isArray(node)) return node.map((item, i) => replace(item, `${path}[${i}]`, resolvedValues));
    if (isPlainObject(node)) {
      return Object.fromEntries(Object.entries(node).map(([k, item]) => [k, replace(item, path ? `${path}.${k}` : k, resolvedValues)]));
    }
    return node;
  }
}

/**
 * The environment for a child process with its `secret://` values replaced:
 * e.g. a CI job that sets `DATABASE_URL=secret://DATABASE_URL` gets the real
 * value in the process `circle secrets run` starts. Variables that are not
 * references are passed through untouched (and unread).
 */
export async function resolveEnvironmentReferences(
  env: NodeJS.ProcessEnv,
  options: ResolveReferencesOptions,
): Promise<{ env: NodeJS.ProcessEnv; resolved: ResolvedReference[] }> {
  const strings: Record<string, string> = {};
  for (const [name, v] of Object.entries(env)) if (v !== undefined) strings[name] = v;
  const { value, resolved } = await resolveSecretReferences(strings, options);
  return { env: value, resolved };
}

/** True when any variable in `env` is a `secret://` reference (cheap: no parsing beyond the prefix). */
export function hasSecretReferences(env: NodeJS.ProcessEnv): boolean {
  return Object.values(env).some((v) => v?.startsWith(SECRET_REFERENCE_PREFIX));
}

/**
 * A reader over secrets backends, one per environment, opened on first use:
 * reads go through the same keys, permission checks and audit events as
 * `circle secrets get`.
 */
export function backendSecretReader(open: (env: string) => Promise<SecretsBackend>): SecretReader {
  const backends = new Map<string, Promise<SecretsBackend>>();
  return async ({ env, name }) => {
    let backend = backends.get(env);
    if (!backend) {
      backend = open(env);
      backends.set(env, backend);
    }
    return (await (await backend).get(name)).value;
  };
}

const key = (ref: { env: string; name: string }) => `${ref.env}/${ref.name}`;

async function readAll(found: { path: string; reference: string; env: string; name: string }[], read: SecretReader): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const f of found) {
    if (values.has(key(f))) continue;
    try {
      values.set(key(f), await read({ env: f.env, name: f.name }));
    } catch (error) {
      if (error instanceof CircleError && error.code === 'NOT_FOUND') {
        // The original message (no secret in it) says what is missing: the secret, the environment file or the vault.
        throw new CircleError('NOT_FOUND', `Secret reference ${f.reference} (in ${f.path || 'the value'}) cannot be resolved: ${error.message}`, {
          hint: error.hint ?? `Create it with \`circle secrets set ${f.name} --env ${f.env}\`, or fix the reference.`,
          details: { reference: f.reference, path: f.path, env: f.env, name: f.name },
          cause: error,
        });
      }
      throw error;
    }
  }
  return values;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
