import type { AuditActor, AuditSink } from '../audit/sink.js';
import { CircleError } from '../errors.js';
import type { X25519Identity } from '../age/x25519.js';
import { projectIdentities } from './identities.js';
import { parseEnvName } from './names.js';
import type { ProjectScope } from './project-store.js';

export interface ProjectScopeRequest {
  /** From the resolved config: the nearest directory with `.circle/`. */
  projectRoot: string | undefined;
  env: string;
  identityFiles?: string[];
  /** More keys, e.g. the logged-in user's vault identity. */
  extraIdentities?: X25519Identity[];
  processEnv?: NodeJS.ProcessEnv;
  audit?: AuditSink;
  actor?: AuditActor;
}

/** The project scope a command works on, with every key that might open it. */
export async function resolveProjectScope(request: ProjectScopeRequest): Promise<ProjectScope> {
  if (!request.projectRoot) {
    throw new CircleError('NOT_FOUND', 'Not inside a project: no .circle/ folder here or above', {
      hint: 'Run from your repository (create its .circle/ folder with `mkdir .circle` or `circle init`).',
    });
  }
  const env = parseEnvName(request.env);
  const identities = [...(await projectIdentities(env, { identityFiles: request.identityFiles, processEnv: request.processEnv })), ...(request.extraIdentities ?? [])];
  return {
    projectRoot: request.projectRoot,
    env,
    identities,
    ...(request.audit ? { audit: request.audit } : {}),
    ...(request.actor ? { actor: request.actor } : {}),
  };
}
