import type { SecretsBackend } from '../core/secrets/backend.js';
import { lazyAuditSink, unlockVault } from './unlock.js';

const unlocked = new Map<string, ReturnType<typeof unlockVault>>();

/** A command unlocks the vault at most once, however many environments it opens. */
function unlockOnce(home: string): ReturnType<typeof unlockVault> {
  let vault = unlocked.get(home);
  if (!vault) {
    vault = unlockVault(home);
    unlocked.set(home, vault);
  }
  return vault;
}

export interface SecretsScopeFlags {
  personal?: boolean;
  identity?: string[];
}

/**
 * The secrets store a `secrets` command works on: the project's environment file
 * inside a project (opened with CIRCLE_KEY_<ENV>, --identity files or the
 * logged-in user's key), else the personal vault. Every read and write is audited.
 */
export async function openCommandBackend(
  home: string,
  settings: { projectRoot?: string; environment: string },
  flags: SecretsScopeFlags,
  options: { env?: string; createAs?: string } = {},
): Promise<SecretsBackend> {
  const { openSecretsBackend } = await import('../core/secrets/backend.js');
  return openSecretsBackend({
    projectRoot: settings.projectRoot,
    env: options.env ?? settings.environment,
    personal: flags.personal,
    identityFiles: flags.identity,
    audit: lazyAuditSink(home),
    ...(options.createAs === undefined ? {} : { createAs: options.createAs }),
    unlock: () => unlockOnce(home),
  });
}
