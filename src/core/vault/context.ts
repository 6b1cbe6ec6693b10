import type { AuditActor, AuditEvent, AuditSink } from '../audit/sink.js';
import { discardAuditEvents } from '../audit/sink.js';
import { CircleError } from '../errors.js';
import type { Authorizer } from '../authz/authorizer.js';
import { roleHas, type Permission, type Role } from '../authz/permissions.js';
import { unwrapKeyring, type UnlockedKeyring } from './keyring.js';
import { readVaultOrFail, rekeyedError, verifyVaultMac, type VaultKeys } from './store.js';
import type { VaultData } from './schema.js';

export interface VaultActor {
  type: 'user' | 'token';
  /** User name, or machine token id (never the token). */
  id: string;
}

/** How this context was unlocked; a session context keeps its token so a re-key can re-seal it. */
export type UnlockMethod = { kind: 'password' } | { kind: 'session'; sessionToken: string } | { kind: 'token' };

export interface VaultContextInit {
  home: string;
  data: Pick<VaultData, 'vaultId' | 'generation' | 'keyring'>;
  rootKey: Buffer;
  actor: VaultActor;
  role: Role;
  audit?: AuditSink;
  method: UnlockMethod;
}

/**
 * An unlocked vault and who unlocked it. Every core operation takes one and
 * checks a permission with `require()` before acting. The secret material is
 * held in private fields and left out of `toJSON`/inspection, so logging a
 * context by mistake prints no key.
 */
export class VaultContext implements Authorizer {
  readonly home: string;
  readonly vaultId: string;
  readonly actor: VaultActor;
  readonly role: Role;
  readonly audit: AuditSink;
  #generation: number;
  #rootKey: Buffer;
  #keyring: UnlockedKeyring;
  #method: UnlockMethod;

  constructor(init: VaultContextInit) {
    this.home = init.home;
    this.vaultId = init.data.vaultId;
    this.actor = init.actor;
    this.role = init.role;
    this.audit = init.audit ?? discardAuditEvents;
    this.#generation = init.data.generation;
    this.#rootKey = init.rootKey;
    this.#keyring = unwrapKeyring(init.data, init.rootKey);
    this.#method = init.method;
    // A home audit sink (open-sink.ts) takes the unlocked context so its appends can read the
    // vault-held signing key and write checkpoints; other sinks are left alone.
    const aware = this.audit as AuditSink & { useVault?: (ctx: VaultContext) => void };
    if (typeof aware.useVault === 'function') aware.useVault(this);
  }

  get generation(): number {
    return this.#generation;
  }

  /** The unlocked 256-bit root key. Only vault internals should need it. */
  get rootKey(): Buffer {
    return this.#rootKey;
  }

  /** The unlocked keyring (kid → data key) and its active kid. */
  get keyring(): UnlockedKeyring {
    return this.#keyring;
  }

  get method(): UnlockMethod {
    return this.#method;
  }

  /** What `updateVault` needs to verify and re-seal the vault file. */
  get keys(): VaultKeys {
    return { home: this.home, rootKey: this.#rootKey, generation: this.#generation };
  }

  get auditActor(): AuditActor {
    return { type: this.actor.type, id: this.actor.id };
  }

  can(permission: Permission): boolean {
    return roleHas(this.role, permission);
  }

  /**
   * Throws PERMISSION_DENIED (exit 3) unless the role has `permission`; a denial
   * is recorded in the audit log before the error is thrown, hence async.
   */
  async require(permission: Permission, target?: string): Promise<void> {
    if (this.can(permission)) return;
    await this.record({ action: 'auth.permission', outcome: 'denied', ...(target ? { target } : {}), details: { permission, role: this.role } });
    throw new CircleError('PERMISSION_DENIED', `${this.actor.type === 'user' ? 'User' : 'Token'} "${this.actor.id}" (role ${this.role}) may not ${permission}`, {
      hint: 'Ask an admin to change your role (`circle auth users role NAME ROLE`).',
      details: { permission, role: this.role },
    });
  }

  /** Records an audit event with this context's actor. */
  async record(event: Omit<AuditEvent, 'actor'>): Promise<void> {
    await this.audit.record({ ...event, actor: this.auditActor });
  }

  /** A keyring key by id, re-reading the vault when another process rotated since we unlocked. */
  async dataKey(kid: string): Promise<Buffer> {
    const known = this.#keyring.keys.get(kid);
    if (known) return known;
    await this.reload();
    const key = this.#keyring.keys.get(kid);
    if (!key) throw new CircleError('DECRYPT_FAILED', `Keyring key ${kid} is not in this vault`, { hint: 'The record comes from another vault or the keyring was damaged.' });
    return key;
  }

  /** Re-reads and re-verifies the vault (keyring changes made by other processes). */
  async reload(): Promise<VaultData> {
    const data = await readVaultOrFail(this.home);
    if (data.generation !== this.#generation) throw rekeyedError();
    verifyVaultMac(this.home, data, this.#rootKey);
    this.#keyring = unwrapKeyring(data, this.#rootKey);
    return data;
  }

  /** After this context re-keyed the root: adopt the new root and keyring. */
  adoptRekey(data: VaultData, rootKey: Buffer): void {
    this.#rootKey = rootKey;
    this.#generation = data.generation;
    this.#keyring = unwrapKeyring(data, rootKey);
  }

  /** After a keyring change this context made. */
  adoptKeyring(data: VaultData): void {
    this.#keyring = unwrapKeyring(data, this.#rootKey);
  }

  toJSON(): Record<string, unknown> {
    return { home: this.home, vaultId: this.vaultId, actor: this.actor, role: this.role, generation: this.#generation };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `VaultContext ${JSON.stringify(this.toJSON())}`;
  }
}
