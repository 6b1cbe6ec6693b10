import { CircleError } from '../errors.js';
import { ownEntry } from '../own-entry.js';
import type { VaultContext } from '../vault/context.js';
import { deleteInternal, getInternal, putInternal } from '../vault/internal-records.js';
import { updateVault } from '../vault/store.js';
import { base32Encode, generateTotpSecret, matchTotpStep, totpUri } from './otp.js';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery.js';

function selfUser(ctx: VaultContext): string {
  if (ctx.actor.type !== 'user') throw new CircleError('USAGE', 'MFA belongs to users, not machine tokens');
  return ctx.actor.id;
}

export interface MfaEnrolment {
  /** otpauth:// URI for authenticator apps (contains the secret: show it once, to its owner only). */
  uri: string;
  /** The same secret in base32, for manual entry. */
  secret: string;
}

/** Step 1: a new TOTP secret kept as pending until a code from it is confirmed. */
export async function beginMfaEnrolment(ctx: VaultContext): Promise<MfaEnrolment> {
  const user = selfUser(ctx);
  const secret = generateTotpSecret();
  await updateVault(ctx.keys, (current) => {
    if (ownEntry(current.users, user)?.mfa.enabled) throw new CircleError('CONFLICT', `MFA is already enabled for "${user}"`, { hint: 'Disable it first with `circle auth mfa disable`.' });
    putInternal(current, ctx, 'totp-pending', user, secret);
    return { body: current, result: undefined };
  });
  const result = { uri: totpUri(secret, user), secret: base32Encode(secret) };
  secret.fill(0);
  return result;
}

/** Step 2: checks a code from the pending secret, enables MFA and returns fresh recovery codes (shown once). */
export async function confirmMfaEnrolment(ctx: VaultContext, code: string, now = new Date()): Promise<{ recoveryCodes: string[] }> {
  const user = selfUser(ctx);
  const codes = generateRecoveryCodes();
  await updateVault(ctx.keys, async (current) => {
    const record = ownEntry(current.users, user);
    const pending = await getInternal(current, ctx, 'totp-pending', user);
    if (!record || !pending) throw new CircleError('USAGE', 'No MFA enrolment is pending', { hint: 'Start with `circle auth mfa enable`.' });
    const step = matchTotpStep(pending, code.trim(), Math.floor(now.getTime() / 1000));
    if (step === undefined) {
      await ctx.record({ action: 'auth.mfa.enable', outcome: 'failure', target: user, details: { reason: 'bad-code' } });
      throw new CircleError('AUTH_FAILED', 'The authenticator code does not match', { hint: 'Check the device clock and try the current code.' });
    }
    putInternal(current, ctx, 'totp', user, pending);
    deleteInternal(current, 'totp-pending', user);
    pending.fill(0);
    record.mfa = { enabled: true, lastStep: step, recoveryCodes: codes.map((c) => ({ hash: hashRecoveryCode(ctx.rootKey, current.vaultId, user, c) })) };
    return { body: current, result: undefined };
  });
  await ctx.record({ action: 'auth.mfa.enable', outcome: 'success', target: user });
  return { recoveryCodes: codes };
}

/** Turns MFA off for the caller, or (admin, users.manage) for another user. */
export async function disableMfa(ctx: VaultContext, target?: string): Promise<void> {
  const user = target ?? selfUser(ctx);
  if (ctx.actor.type !== 'user' || ctx.actor.id !== user) await ctx.require('users.manage', user);
  await updateVault(ctx.keys, (current) => {
    const record = ownEntry(current.users, user);
    if (!record) throw new CircleError('NOT_FOUND', `No user "${user}"`);
    record.mfa = { enabled: false, recoveryCodes: [] };
    deleteInternal(current, 'totp', user);
    deleteInternal(current, 'totp-pending', user);
    return { body: current, result: undefined };
  });
  await ctx.record({ action: 'auth.mfa.disable', outcome: 'success', target: user });
}

/** Replaces the caller's recovery codes (the old ones stop working). */
export async function regenerateRecoveryCodes(ctx: VaultContext): Promise<{ recoveryCodes: string[] }> {
  const user = selfUser(ctx);
  const codes = generateRecoveryCodes();
  await updateVault(ctx.keys, (current) => {
    const record = ownEntry(current.users, user);
    if (!record?.mfa.enabled) throw new CircleError('USAGE', 'MFA is not enabled', { hint: 'Enable it with `circle auth mfa enable`.' });
    record.mfa.recoveryCodes = codes.map((c) => ({ hash: hashRecoveryCode(ctx.rootKey, current.vaultId, user, c) }));
    return { body: current, result: undefined };
  });
  await ctx.record({ action: 'auth.mfa.recovery-codes', outcome: 'success', target: user });
  return { recoveryCodes: codes };
}
