import { CircleError } from '../core/errors.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import { policiesFromConfig, type AuthPolicies } from '../core/config/sections/index.js';

export type { AuthPolicies };

/**
 * The auth policies from the layered configuration (`auth.*` keys). The mapping
 * lives in core (src/core/config/sections/auth.ts); unlocking, the audit sink and
 * migrations live in the Circle (src/core/context/), which `BaseCommand.circle()` builds.
 */
export function authPolicies(config: ResolvedConfig): AuthPolicies {
  return policiesFromConfig(config.values).auth;
}

/** `--password-stdin`: the first line is the password; an optional second line is a TOTP or recovery code. */
export function splitPasswordStdin(text: string): { password: string; secondLine?: string } {
  const lines = text.split(/\r?\n/);
  const password = lines[0] ?? '';
  if (!password) throw new CircleError('INPUT_REQUIRED', 'No password on stdin', { hint: 'Pipe it in: printf "%s\\n" "$PASSWORD" | circle … --password-stdin' });
  const second = lines[1]?.trim();
  return { password, ...(second ? { secondLine: second } : {}) };
}

/** Who is logging in: --user, else CIRCLE_USER, else a prompt, else the vault's only user. */
export async function resolveLoginUser(home: string, flag: string | undefined, canPrompt: boolean, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (flag) return flag;
  if (env.CIRCLE_USER) return env.CIRCLE_USER;
  const { readVaultOrFail } = await import('../core/vault/store.js');
  const names = Object.keys((await readVaultOrFail(home)).users);
  if (canPrompt) {
    // Suggest a name that can work: the only user, else the OS user name if it is one of them.
    const { promptText } = await import('./prompts.js');
    const { userInfo } = await import('node:os');
    const osUser = userInfo().username;
    const suggestion = names.length === 1 ? names[0] : names.includes(osUser) ? osUser : undefined;
    return (await promptText('User', suggestion)).trim();
  }
  if (names.length === 1) return names[0]!;
  throw new CircleError('INPUT_REQUIRED', 'Which user? More than one user exists', { hint: 'Pass --user NAME or set CIRCLE_USER.' });
}
