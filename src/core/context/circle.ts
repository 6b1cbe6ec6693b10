import { userInfo } from 'node:os';
import type { AuditActor } from '../audit/sink.js';
import type { AuditSettings } from '../audit/settings.js';
import type { Permission } from '../authz/permissions.js';
import type { ConfigAudit } from '../config/write.js';
import type { ConfigSources, ResolvedConfig } from '../config/resolve.js';
import type { CirclePolicies } from '../config/sections/index.js';
import { CircleError } from '../errors.js';
import { runWithLockScope } from '../home/lock.js';
import type { BackendRequest, SecretsBackend } from '../secrets/backend.js';
import type { StateStore } from '../store/types.js';
import { LocalStateStore } from '../store/local.js';
import type { VaultContext } from '../vault/context.js';
import { firstLine, lazyAuditSink, type CircleAuditSink } from './audit-sink.js';

export interface OpenCircleOptions {
  /** The state directory (already resolved and checked: see `resolveHome`/`ensureHome`). */
  home: string;
  /** Where project lookup starts (`.circle/` here or above). Default: process.cwd(). */
  cwd?: string;
  /** CIRCLE_* settings and credentials. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Credentials of the principal this Circle acts for. Default: CIRCLE_TOKEN, then
   * CIRCLE_SESSION, then the session file. A server builds one Circle per request
   * with the caller's token here.
   */
  credentials?: { machineToken?: string; sessionToken?: string };
  /** Warnings core wants a person to see (a migration that failed, an audit entry that could not be written). Default: dropped. */
  onWarning?: (message: string) => void;
  /**
   * A lock scope the caller already runs in (the `circle` command runs its whole
   * invocation inside one): resolving settings sets its timeout. Default: the
   * Circle's own, entered with `run()`.
   */
  lockScope?: { timeoutMs: number | undefined };
}

export type SettingsOverrides = Pick<ConfigSources, 'environment' | 'flags'>;

/** The mutable part of a Circle's lock scope: the timeout is known once settings are resolved. */
interface CircleLockScope {
  timeoutMs: number | undefined;
}

/**
 * One invocation's view of circle: its home, its resolved settings and
 * per-topic policies, its audit sink, its state store and the principal it
 * unlocks. Nothing here is process-global, so a long-lived process builds one
 * Circle per request principal; the `circle` command builds one per invocation.
 */
export class Circle {
  readonly home: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The audit log of this home, as the sink every operation records through. */
  readonly audit: CircleAuditSink;
  /** Where this home's state lives (see src/core/store/). */
  readonly store: StateStore;
  readonly #credentials: OpenCircleOptions['credentials'];
  readonly #onWarning: (message: string) => void;
  readonly #lockScope: CircleLockScope;
  #settings: Promise<ResolvedConfig> | undefined;
  #principal: Promise<VaultContext | undefined> | undefined;
  #unlocked: VaultContext | undefined;

  constructor(options: OpenCircleOptions) {
    this.home = options.home;
    this.cwd = options.cwd ?? process.cwd();
    this.env = options.env ?? process.env;
    this.#credentials = options.credentials;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#lockScope = options.lockScope ?? { timeoutMs: undefined };
    this.store = new LocalStateStore(this.home);
    this.audit = lazyAuditSink(this.home, () => this.#auditPolicy(), this.#onWarning);
  }

  /**
   * Runs `fn` with this Circle's lock timeout in scope: every lock taken by the
   * work `fn` starts waits as long as this Circle's `lock.timeoutMs` says (once
   * its settings are resolved; CIRCLE_LOCK_TIMEOUT_MS or 15 s before that).
   */
  run<T>(fn: () => T): T {
    return runWithLockScope(this.#lockScope, fn);
  }

  /**
   * The layered configuration (defaults < user < project < project env section <
   * CIRCLE_* < flags). Without overrides it is resolved once and kept. Once a
   * principal is unlocked, reading it needs `config.read`.
   */
  async settings(overrides: SettingsOverrides = {}): Promise<ResolvedConfig> {
    if (this.#unlocked) await this.#unlocked.require('config.read');
    const resolve = async (): Promise<ResolvedConfig> => {
      const { resolveConfig } = await import('../config/resolve.js');
      return resolveConfig({ homeDir: this.home, cwd: this.cwd, env: this.env, ...overrides });
    };
    let resolved: ResolvedConfig;
    if (overrides.environment === undefined && overrides.flags === undefined) {
      this.#settings ??= resolve();
      this.#settings.catch(() => (this.#settings = undefined));
      resolved = await this.#settings;
    } else {
      resolved = await resolve();
    }
    this.#lockScope.timeoutMs = resolved.values['lock.timeoutMs'];
    return resolved;
  }

  /** One typed policy object per topic, from `settings()` (or from the given resolved settings). */
  async policies(resolved?: ResolvedConfig): Promise<CirclePolicies> {
    const { policiesFromConfig } = await import('../config/sections/index.js');
    return policiesFromConfig((resolved ?? (await this.settings())).values);
  }

  async #auditPolicy(): Promise<Pick<AuditSettings, 'rotation' | 'retention'>> {
    try {
      return (await this.policies()).audit;
    } catch {
      // A broken config file must not stop an audit entry; the command reports the config problem itself.
      return { rotation: {} };
    }
  }

  /**
   * The principal's unlocked vault: a machine token, else a session token, else
   * the session file. None working is AUTH_REQUIRED (exit 3); no vault is
   * NOT_FOUND (exit 4). Unlocks once per Circle, then runs the migrations an
   * unlocked vault allows (moving legacy audit keys into the vault).
   */
  async unlock(): Promise<VaultContext> {
    const ctx = await this.tryUnlock();
    if (ctx) return ctx;
    const { vaultExists } = await import('../vault/init.js');
    if (!(await vaultExists(this.home))) {
      throw new CircleError('NOT_FOUND', `No vault in ${this.home}`, { hint: 'Create one with `circle init`.' });
    }
    throw new CircleError('AUTH_REQUIRED', 'Not logged in', { hint: 'Run `circle auth login` (or set CIRCLE_TOKEN in CI).' });
  }

  /** Like `unlock()`, but undefined when no credentials are at hand (a bad or expired one still throws). */
  async tryUnlock(): Promise<VaultContext | undefined> {
    this.#principal ??= this.#unlockWithCredentials().then(async (ctx) => {
      if (ctx) {
        await this.migrate(ctx);
        this.#unlocked = ctx;
      }
      return ctx;
    });
    // A failed unlock is not kept: the next call tries again.
    this.#principal.catch(() => (this.#principal = undefined));
    return this.#principal;
  }

  async #unlockWithCredentials(): Promise<VaultContext | undefined> {
    const machineToken = (this.#credentials ? this.#credentials.machineToken : this.env.CIRCLE_TOKEN)?.trim();
    if (machineToken) {
      const { unlockWithMachineToken } = await import('../auth/tokens.js');
      return unlockWithMachineToken(this.home, machineToken, { audit: this.audit });
    }
    const sessionToken = await this.sessionToken();
    if (!sessionToken) return undefined;
    const { unlockWithSession } = await import('../auth/session.js');
    return unlockWithSession(this.home, sessionToken, { audit: this.audit });
  }

  /** The session token in use (credentials, CIRCLE_SESSION or the session file), if any, without unlocking. */
  async sessionToken(): Promise<string | undefined> {
    if (this.#credentials) return this.#credentials.sessionToken?.trim() || undefined;
    if (this.env.CIRCLE_SESSION?.trim()) return this.env.CIRCLE_SESSION.trim();
    const { readCurrentSessionToken } = await import('../auth/session.js');
    return readCurrentSessionToken(this.home);
  }

  /**
   * Migrations an unlocked vault allows: move a legacy `audit-keys.json` into the
   * vault, or re-publish lost public keys (two stats when all is well). Never
   * fails the caller: a problem is a warning, and `circle audit verify` reports it.
   */
  async migrate(ctx: VaultContext): Promise<void> {
    try {
      const { auditKeysNeedRepair, ensureAuditKeys } = await import('../audit/keys.js');
      if (await auditKeysNeedRepair(ctx.home)) await ensureAuditKeys(ctx);
    } catch (error) {
      this.#onWarning(`could not move the audit keys into the vault: ${firstLine(error)}`);
    }
  }

  /** Checks `permission` for the unlocked principal (unlocking first); PERMISSION_DENIED is exit 3. */
  async require(permission: Permission, target?: string): Promise<VaultContext> {
    const ctx = await this.unlock();
    await ctx.require(permission, target);
    return ctx;
  }

  /**
   * Who a `config set/unset` acts as, or undefined when the home has no audit log
   * (no vault yet). With a session or CIRCLE_TOKEN at hand it is that principal,
   * whose role must allow `config.write`; else the OS user, whose boundary is the
   * home's file permissions (anyone who can write config.json can edit it).
   */
  async configAudit(): Promise<ConfigAudit | undefined> {
    const { loadAuditPublicKeys } = await import('../audit/keys.js');
    if (!(await loadAuditPublicKeys(this.home).catch(() => undefined))) return undefined;
    let ctx: VaultContext | undefined;
    try {
      ctx = await this.#unlockWithCredentials();
    } catch {
      /* not logged in: fall through to the OS user */
    }
    if (ctx) return { audit: ctx.audit, actor: ctx.auditActor, authorizer: ctx };
    return { audit: this.audit, actor: osUserActor() };
  }

  /**
   * The secrets store a request works on: the project's environment file inside
   * a project (opened with CIRCLE_KEY_<ENV>, identity files or the principal's
   * key), else the personal vault. Every read and write is audited.
   */
  async openSecrets(request: Omit<BackendRequest, 'audit' | 'unlock' | 'processEnv'>): Promise<SecretsBackend> {
    const { openSecretsBackend } = await import('../secrets/backend.js');
    return openSecretsBackend({ ...request, processEnv: this.env, audit: this.audit, unlock: () => this.unlock() });
  }

  toJSON(): Record<string, unknown> {
    return { home: this.home, cwd: this.cwd };
  }
}

function osUserActor(): AuditActor {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username || osUser;
  } catch {
    /* no passwd entry (containers) */
  }
  return { type: 'system', id: osUser };
}
