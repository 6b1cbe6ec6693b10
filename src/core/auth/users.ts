import type { AuditSink } from '../audit/sink.js';
import { CircleError } from '../errors.js';
import { ownEntry } from '../own-entry.js';
import type { VaultContext } from '../vault/context.js';
import { deleteInternal } from '../vault/internal-records.js';
import { rekeyBody, reencryptInternal, sealingKeys } from '../vault/rekey.js';
import { userNameSchema, type UserRecord, type VaultData } from '../vault/schema.js';
import { updateVault } from '../vault/store.js';
import { clearLoginFailures, lockedUntil, type LockoutPolicy } from './lockout.js';
import { loginWithPassword } from './login.js';
import { checkPassword, DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './password-policy.js';
import type { Role } from './permissions.js';
import { addUserToBody } from './principals.js';
import { resealSession } from './session.js';
import { derivePasswordKeys, unescrowPrincipalKey, wrapPrincipalKey } from './wraps.js';
import { currentArgon2Params, randomSalt } from '../crypto/kdf.js';
import { formatX25519Recipient } from '../age/x25519.js';

export interface UserSummary {
  name: string;
  role: Role;
  createdAt: string;
  locked: boolean;
  lockedOutUntil?: string;
  mfa: boolean;
  mustChangePassword: boolean;
  passwordChangedAt: string;
  /** X25519 public key, raw, base64. */
  publicKey: string;
  /** The same key as an age recipient (`age1…`): what `secrets recipients add` takes. */
  recipient: string;
}

function summarize(u: UserRecord, lockedOut?: Date): UserSummary {
  return {
    name: u.name,
    role: u.role,
    createdAt: u.createdAt,
    locked: u.locked,
    ...(lockedOut ? { lockedOutUntil: lockedOut.toISOString() } : {}),
    mfa: u.mfa.enabled,
    mustChangePassword: u.mustChangePassword,
    passwordChangedAt: u.passwordChangedAt,
    publicKey: u.publicKey,
    recipient: formatX25519Recipient(Buffer.from(u.publicKey, 'base64')),
  };
}

function parseName(name: string): string {
  const parsed = userNameSchema.safeParse(name);
  if (!parsed.success) throw new CircleError('USAGE', `Invalid user name ${JSON.stringify(name)}: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

function mustFind(data: VaultData, name: string): UserRecord {
  const u = ownEntry(data.users, name);
  if (!u) throw new CircleError('NOT_FOUND', `No user "${name}"`, { hint: 'See `circle auth users list`.', details: { user: name } });
  return u;
}

function admins(data: VaultData): UserRecord[] {
  return Object.values(data.users).filter((u) => u.role === 'admin' && !u.locked);
}

export async function listUsers(ctx: VaultContext): Promise<UserSummary[]> {
  await ctx.require('users.read');
  const data = await ctx.reload();
  const out: UserSummary[] = [];
  for (const u of Object.values(data.users).sort((a, b) => a.name.localeCompare(b.name))) out.push(summarize(u, await lockedUntil(ctx.home, u.name)));
  return out;
}

/** Public information about one user (the X25519 public key team secrets are encrypted to). */
export async function getUser(ctx: VaultContext, name: string): Promise<UserSummary> {
  const data = await ctx.reload();
  return summarize(mustFind(data, name), await lockedUntil(ctx.home, name));
}

/** Adds a user with an initial password that must be changed at first login. */
export async function addUser(ctx: VaultContext, input: { name: string; role: Role; password: string; policy?: PasswordPolicy }): Promise<UserSummary> {
  const name = parseName(input.name);
  await ctx.require('users.manage', `user:${name}`);
  checkPassword(input.password, name, input.policy ?? DEFAULT_PASSWORD_POLICY);
  const record = await updateVault(ctx.keys, async (current) => {
    if (ownEntry(current.users, name)) throw new CircleError('ALREADY_EXISTS', `User "${name}" already exists`, { details: { user: name } });
    const record = await addUserToBody(current, ctx.rootKey, ctx, { name, role: input.role, password: input.password, mustChangePassword: true });
    return { body: current, result: record };
  });
  await ctx.record({ action: 'auth.users.add', outcome: 'success', target: name, details: { role: input.role } });
  return summarize(record);
}

/**
 * Removes a user and re-keys the vault: a new root key, a new active keyring key
 * and every vault record re-encrypted, so what the removed user could unwrap
 * before no longer opens anything new. The caller's session is re-sealed.
 */
export async function removeUser(ctx: VaultContext, name: string): Promise<{ removed: string; generation: number }> {
  await ctx.require('users.manage', `user:${name}`);
  if (ctx.actor.type === 'user' && ctx.actor.id === name) throw new CircleError('USAGE', 'You cannot remove yourself', { hint: 'Ask another admin.' });
  const oldKeys = ctx.keys;
  const fromKeys = sealingKeys(ctx.vaultId, ctx.keyring);
  const { data, rootKey } = await updateVault(oldKeys, async (current) => {
    const user = mustFind(current, name);
    if (user.role === 'admin' && admins(current).length <= 1) throw new CircleError('CONFLICT', 'Cannot remove the last admin');
    delete current.users[name];
    deleteInternal(current, 'user-x25519', name);
    deleteInternal(current, 'totp', name);
    deleteInternal(current, 'totp-pending', name);
    const { body, rootKey, keyring } = rekeyBody(current, oldKeys.rootKey);
    await reencryptInternal(body, fromKeys, sealingKeys(body.vaultId, keyring));
    return { body, rootKey, result: { data: { ...body, mac: '', checksum: '' } as VaultData, rootKey } };
  });
  ctx.adoptRekey(data, rootKey);
  await resealSession(ctx);
  await clearLoginFailures(ctx.home, name);
  await ctx.record({ action: 'auth.users.remove', outcome: 'success', target: name, details: { generation: data.generation } });
  return { removed: name, generation: data.generation };
}

export async function setUserLocked(ctx: VaultContext, name: string, locked: boolean): Promise<UserSummary> {
  await ctx.require('users.manage', `user:${name}`);
  const record = await updateVault(ctx.keys, (current) => {
    const user = mustFind(current, name);
    if (locked && user.role === 'admin' && admins(current).length <= 1) throw new CircleError('CONFLICT', 'Cannot lock the last admin');
    user.locked = locked;
    return { body: current, result: user };
  });
  if (!locked) await clearLoginFailures(ctx.home, name);
  await ctx.record({ action: locked ? 'auth.users.lock' : 'auth.users.unlock', outcome: 'success', target: name });
  return summarize(record);
}

export async function setUserRole(ctx: VaultContext, name: string, role: Role): Promise<UserSummary> {
  await ctx.require('users.manage', `user:${name}`);
  const { record, previous } = await updateVault(ctx.keys, (current) => {
    const user = mustFind(current, name);
    const previous = user.role;
    if (previous === 'admin' && role !== 'admin' && admins(current).length <= 1) throw new CircleError('CONFLICT', 'Cannot demote the last admin');
    user.role = role;
    return { body: current, result: { record: user, previous } };
  });
  await ctx.record({ action: 'auth.users.role', outcome: 'success', target: name, details: { from: previous, to: role } });
  return summarize(record);
}

/** Admin reset: a new password the user must change at next login (their key comes from escrow). */
export async function resetUserPassword(ctx: VaultContext, name: string, password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): Promise<UserSummary> {
  await ctx.require('users.manage', `user:${name}`);
  checkPassword(password, name, policy);
  const record = await updateVault(ctx.keys, async (current) => {
    const user = mustFind(current, name);
    const p = `user:${name}` as const;
    const userKey = unescrowPrincipalKey(ctx.rootKey, current.vaultId, current.generation, p, user.escrowedUserKey);
    await setPassword(user, current.vaultId, password, userKey);
    userKey.fill(0);
    user.mustChangePassword = true;
    return { body: current, result: user };
  });
  await ctx.record({ action: 'auth.users.reset-password', outcome: 'success', target: name });
  return summarize(record);
}

async function setPassword(user: UserRecord, vaultId: string, password: string, userKey: Buffer): Promise<void> {
  const params = currentArgon2Params();
  const salt = randomSalt();
  const keys = await derivePasswordKeys(password, salt, params);
  user.password = { kdf: params, salt: salt.toString('base64'), verifier: keys.verifier.toString('base64'), wrappedUserKey: wrapPrincipalKey(keys.kek, vaultId, `user:${user.name}`, userKey) };
  user.passwordChangedAt = new Date().toISOString();
}

export interface ChangePasswordInput {
  user: string;
  currentPassword: string;
  newPassword: string;
  secondFactor?: () => Promise<string | undefined>;
  audit?: AuditSink;
  lockout?: LockoutPolicy;
  policy?: PasswordPolicy;
}

/** `circle auth passwd`: proves the current password (and MFA), then re-wraps the user's key under the new one. */
export async function changePassword(home: string, input: ChangePasswordInput): Promise<UserSummary> {
  checkPassword(input.newPassword, input.user, input.policy ?? DEFAULT_PASSWORD_POLICY);
  if (input.newPassword === input.currentPassword) throw new CircleError('USAGE', 'The new password must differ from the current one');
  const { ctx } = await loginWithPassword(home, {
    user: input.user,
    password: input.currentPassword,
    allowPasswordChange: true,
    ...(input.secondFactor ? { secondFactor: input.secondFactor } : {}),
    ...(input.audit ? { audit: input.audit } : {}),
    ...(input.lockout ? { lockout: input.lockout } : {}),
  });
  const record = await updateVault(ctx.keys, async (current) => {
    const user = mustFind(current, input.user);
    const userKey = unescrowPrincipalKey(ctx.rootKey, current.vaultId, current.generation, `user:${input.user}`, user.escrowedUserKey);
    await setPassword(user, current.vaultId, input.newPassword, userKey);
    userKey.fill(0);
    user.mustChangePassword = false;
    return { body: current, result: user };
  });
  await ctx.record({ action: 'auth.passwd', outcome: 'success', target: input.user });
  return summarize(record);
}
