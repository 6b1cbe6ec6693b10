import type { AuditActor, AuditEvent, AuditSink } from '../core/audit/sink.js';
import type { AuditSettings } from '../core/audit/settings.js';
import { CircleError } from '../core/errors.js';
import type { VaultContext } from '../core/vault/context.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import type { LockoutPolicy } from '../core/auth/lockout.js';
import type { PasswordPolicy } from '../core/auth/password-policy.js';
import type { SessionPolicy } from '../core/auth/session.js';

/**
 * How a command gets an unlocked vault: `CIRCLE_TOKEN` (a machine token), then
 * `CIRCLE_SESSION`, then the session kept in `<home>/session.token`. None of
 * them working is AUTH_REQUIRED (exit 3) with a hint to log in.
 */
export async function unlockVault(home: string, env: NodeJS.ProcessEnv = process.env, options: { config?: ResolvedConfig } = {}): Promise<VaultContext> {
  const ctx = await unlockOnly(home, env, options);
  if (ctx) {
    await repairAuditKeys(ctx);
    return ctx;
  }
  const { vaultExists } = await import('../core/vault/init.js');
  if (!(await vaultExists(home))) {
    throw new CircleError('NOT_FOUND', `No vault in ${home}`, { hint: 'Create one with `circle init`.' });
  }
  throw new CircleError('AUTH_REQUIRED', 'Not logged in', { hint: 'Run `circle auth login` (or set CIRCLE_TOKEN in CI).' });
}

async function unlockOnly(home: string, env: NodeJS.ProcessEnv, options: { config?: ResolvedConfig }): Promise<VaultContext | undefined> {
  const audit = lazyAuditSink(home, options.config);
  const machineToken = env.CIRCLE_TOKEN?.trim();
  if (machineToken) {
    const { unlockWithMachineToken } = await import('../core/auth/tokens.js');
    return unlockWithMachineToken(home, machineToken, { audit });
  }
  const { unlockWithSession, readCurrentSessionToken } = await import('../core/auth/session.js');
  const sessionToken = env.CIRCLE_SESSION?.trim() || (await readCurrentSessionToken(home));
  if (sessionToken) return unlockWithSession(home, sessionToken, { audit });
  return undefined;
}

/**
 * After any unlock: move a legacy `audit-keys.json` into the vault, or re-publish
 * lost public keys (two stats when all is well). Never stops the command: a
 * problem here is reported on stderr and by `circle audit verify`.
 */
export async function repairAuditKeys(ctx: VaultContext): Promise<void> {
  try {
    const { auditKeysNeedRepair, ensureAuditKeys } = await import('../core/audit/keys.js');
    if (await auditKeysNeedRepair(ctx.home)) await ensureAuditKeys(ctx);
  } catch (error) {
    process.stderr.write(`Warning: could not move the audit keys into the vault: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  }
}

/** The session token in use (env or file), if any, without unlocking. */
export async function currentSessionToken(home: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.CIRCLE_SESSION?.trim()) return env.CIRCLE_SESSION.trim();
  const { readCurrentSessionToken } = await import('../core/auth/session.js');
  return readCurrentSessionToken(home);
}

/**
 * The audit log as a sink, loaded on the first event so that commands which
 * record nothing do not pay for it. A broken audit log is reported on stderr
 * but does not stop authentication (the lockout counters live elsewhere), so a
 * damaged log cannot lock every user out; `circle audit verify` reports it.
 */
export function lazyAuditSink(home: string, config?: ResolvedConfig | AuditSettings): AuditSink & { useVault(ctx: VaultContext): void } {
  let sink: Promise<AuditSink & { useVault(ctx: VaultContext): void }> | undefined;
  let vault: VaultContext | undefined;
  let warned = false;
  return {
    useVault(ctx: VaultContext) {
      vault = ctx;
      void sink?.then((s) => s.useVault(ctx));
    },
    async record(event: AuditEvent) {
      try {
        sink ??= (async () => {
          const settings = await auditSettings(home, config);
          const { openAuditSink } = await import('../core/audit/open-sink.js');
          // A command is one short process: syncing on its own thread beats a thread-pool round trip.
          return openAuditSink(home, { blockingFsync: true, rotation: settings.rotation, ...(settings.retention ? { retention: settings.retention } : {}), ...(vault ? { vault } : {}) });
        })();
        const opened = await sink;
        if (vault) opened.useVault(vault);
        await opened.record(event);
      } catch (error) {
        if (!warned) process.stderr.write(`Warning: the audit log could not record ${event.action}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
        warned = true;
      }
    },
  };
}

/** `audit.segmentMaxBytes` / `audit.retentionDays` from the given or the resolved configuration (defaults if it cannot be read). */
async function auditSettings(home: string, config: ResolvedConfig | AuditSettings | undefined): Promise<Pick<AuditSettings, 'rotation' | 'retention'>> {
  if (config && 'rotation' in config) return config;
  const { auditSettingsFromConfig } = await import('../core/audit/settings.js');
  try {
    const resolved = config ?? (await (await import('../core/config/resolve.js')).resolveConfig({ homeDir: home }));
    return auditSettingsFromConfig(resolved.values as unknown as Record<string, unknown>);
  } catch {
    // A broken config file must not stop an audit entry; the command reports the config problem itself.
    return { rotation: {} };
  }
}

/**
 * The audit sink and actor for `circle config set/unset`, or undefined when the
 * home has no audit log (no vault yet). The actor is the user or token of an
 * unlock that needs no prompt (session or CIRCLE_TOKEN), else the OS user.
 */
export async function configAudit(home: string, config?: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): Promise<{ audit: AuditSink; actor: AuditActor } | undefined> {
  const { loadAuditPublicKeys } = await import('../core/audit/keys.js');
  if (!(await loadAuditPublicKeys(home).catch(() => undefined))) return undefined;
  try {
    const ctx = await unlockOnly(home, env, { ...(config ? { config } : {}) });
    if (ctx) return { audit: ctx.audit, actor: ctx.auditActor };
  } catch {
    /* not logged in: fall through to the OS user */
  }
  const { userInfo } = await import('node:os');
  let osUser = 'unknown';
  try {
    osUser = userInfo().username || osUser;
  } catch {
    /* no passwd entry (containers) */
  }
  return { audit: lazyAuditSink(home, config), actor: { type: 'system', id: osUser } };
}

export interface AuthPolicies {
  lockout: LockoutPolicy;
  password: PasswordPolicy;
  session: SessionPolicy;
  tokenDefaultExpiryDays: number;
}

/** The auth policies from the layered configuration (`auth.*` keys). */
export function authPolicies(config: ResolvedConfig): AuthPolicies {
  const v = config.values as unknown as Record<string, number>;
  const windowMs = (v['auth.lockout.windowMinutes'] ?? 15) * 60_000;
  const maxAge = v['auth.passwordMaxAgeDays'] ?? 0;
  return {
    lockout: { maxFailures: v['auth.lockout.maxAttempts'] ?? 5, windowMs, lockoutMs: windowMs },
    password: { minLength: v['auth.passwordMinLength'] ?? 12, maxLength: 1024, ...(maxAge > 0 ? { maxAgeDays: maxAge } : {}) },
    session: { idleMs: (v['auth.session.idleMinutes'] ?? 15) * 60_000, absoluteMs: (v['auth.session.absoluteHours'] ?? 12) * 3_600_000 },
    tokenDefaultExpiryDays: v['auth.token.defaultExpiryDays'] ?? 30,
  };
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
