import { X25519Identity } from '../age/x25519.js';
import type { AuditSink } from '../audit/sink.js';
import { CircleError } from '../errors.js';
import type { VaultContext } from '../vault/context.js';
import * as personal from './personal-store.js';
import * as project from './project-store.js';
import { resolveProjectScope } from './scope.js';

/**
 * The operations `circle secrets` offers, whichever scope holds the secrets:
 * the project's `.circle/secrets/<env>.json` (inside a project) or the personal
 * vault in the home (outside one, or with --personal).
 */
export interface SecretsBackend {
  scope: 'project' | 'personal';
  env: string;
  get(name: string, options?: { version?: number }): Promise<project.SecretValue>;
  readAll(options?: { only?: string[] }): Promise<Record<string, string>>;
  list(): Promise<project.SecretListing[]>;
  history(name: string): Promise<project.SecretHistoryEntry[]>;
  set(name: string, value: string): Promise<project.SecretWriteResult>;
  setMany(values: Record<string, string>): Promise<project.SecretWriteResult[]>;
  remove(name: string): Promise<{ name: string; env: string }>;
  rollback(name: string, to: number): Promise<project.SecretWriteResult>;
}

export interface BackendRequest {
  projectRoot: string | undefined;
  env: string;
  /** Force the personal vault even inside a project. */
  personal?: boolean;
  identityFiles?: string[];
  processEnv?: NodeJS.ProcessEnv;
  audit?: AuditSink;
  /** Recipient label when a `set` creates a project environment file. */
  createAs?: string;
  /** Opens the vault (session or machine token); called only when needed. */
  unlock: () => Promise<VaultContext>;
}

export async function openSecretsBackend(request: BackendRequest): Promise<SecretsBackend> {
  if (request.personal || !request.projectRoot) return personalBackend(await request.unlock(), request.env);
  const { scope, createAs } = await openProjectScope(request);
  return projectBackend(scope, createAs);
}

/**
 * The project scope with every key that may open it: CIRCLE_KEY_<ENV>,
 * --identity files, else the logged-in user's X25519 key from the vault.
 */
export async function openProjectScope(request: Omit<BackendRequest, 'personal'>): Promise<{ scope: project.ProjectScope; createAs: string | undefined }> {
  const scope = await resolveProjectScope(request);
  let createAs = request.createAs;
  if (scope.identities.length === 0) {
    // No CIRCLE_KEY_<ENV> and no --identity: use the logged-in user's own X25519 key from the vault.
    let ctx: VaultContext;
    try {
      ctx = await request.unlock();
    } catch (error) {
      if (error instanceof CircleError && (error.code === 'NOT_FOUND' || error.code === 'AUTH_REQUIRED')) {
        throw new CircleError('AUTH_REQUIRED', `No key to open the ${scope.env} secrets of this project`, {
          hint: `Set CIRCLE_KEY_${scope.env.toUpperCase().replace(/[^A-Z0-9]/g, '_')} (CI), pass --identity FILE, or log in with \`circle auth login\`.`,
        });
      }
      throw error;
    }
    await ctx.require('secrets.read');
    const { userIdentity } = await import('../vault/identity.js');
    const { privateKey } = await userIdentity(ctx);
    scope.identities.push(new X25519Identity(privateKey));
    scope.actor = ctx.auditActor;
    const vault = ctx;
    scope.authorizeWrite = () => vault.require('secrets.write', `secrets:project/${scope.env}`);
    createAs = ctx.actor.id;
  }
  return { scope, createAs };
}

export function projectBackend(scope: project.ProjectScope, createAs?: string): SecretsBackend {
  const write = createAs === undefined ? {} : { createAs };
  return {
    scope: 'project',
    env: scope.env,
    get: (name, options) => project.getProjectSecret(scope, name, options),
    readAll: (options) => project.readProjectSecrets(scope, options),
    list: () => project.listProjectSecrets(scope),
    history: (name) => project.projectSecretHistory(scope, name),
    set: (name, value) => project.setProjectSecret(scope, name, value, write),
    setMany: (values) => project.setProjectSecrets(scope, values, write),
    remove: (name) => project.removeProjectSecret(scope, name),
    rollback: (name, to) => project.rollbackProjectSecret(scope, name, to),
  };
}

export function personalBackend(ctx: VaultContext, env: string): SecretsBackend {
  return {
    scope: 'personal',
    env,
    get: (name, options) => personal.getPersonalSecret(ctx, env, name, options),
    readAll: (options) => personal.readPersonalSecrets(ctx, env, options),
    list: () => personal.listPersonalSecrets(ctx, env),
    history: (name) => personal.personalSecretHistory(ctx, env, name),
    set: (name, value) => personal.setPersonalSecret(ctx, env, name, value),
    setMany: (values) => personal.setPersonalSecrets(ctx, env, values),
    remove: (name) => personal.removePersonalSecret(ctx, env, name),
    rollback: (name, to) => personal.rollbackPersonalSecret(ctx, env, name, to),
  };
}
