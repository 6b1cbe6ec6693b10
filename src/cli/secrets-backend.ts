import type { Circle } from '../core/context/circle.js';
import type { SecretsBackend } from '../core/secrets/backend.js';

export interface SecretsScopeFlags {
  personal?: boolean;
  identity?: string[];
}

/**
 * The secrets store a `secrets` command works on: the project's environment file
 * inside a project (opened with CIRCLE_KEY_<ENV>, --identity files or the
 * logged-in user's key), else the personal vault. Every read and write is audited;
 * the Circle unlocks the vault at most once, however many environments are opened.
 */
export async function openCommandBackend(
  circle: Circle,
  settings: { projectRoot?: string; environment: string },
  flags: SecretsScopeFlags,
  options: { env?: string; createAs?: string } = {},
): Promise<SecretsBackend> {
  return circle.openSecrets({
    projectRoot: settings.projectRoot,
    env: options.env ?? settings.environment,
    personal: flags.personal,
    identityFiles: flags.identity,
    ...(options.createAs === undefined ? {} : { createAs: options.createAs }),
  });
}
