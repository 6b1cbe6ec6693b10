import type { AuditSink } from '../audit/sink.js';
import { discardAuditEvents } from '../audit/sink.js';
import { argon2NeedsUpgrade, constantTimeEqual, currentArgon2Params, randomSalt } from '../crypto/kdf.js';
import { CircleError } from '../errors.js';
import { ownEntry } from '../own-entry.js';
import { VaultContext } from '../vault/context.js';
import { getInternal } from '../vault/internal-records.js';
import type { UserRecord, VaultData } from '../vault/schema.js';
import { readVaultOrFail, updateVault, verifyVaultMac } from '../vault/store.js';
import { DEFAULT_LOCKOUT_POLICY, lockedUntil, recordLoginFailure, recordLoginSuccess, type LockoutPolicy } from './lockout.js';
import { matchTotpStep } from './otp.js';
import { DEFAULT_PASSWORD_POLICY, passwordExpired, type PasswordPolicy } from './password-policy.js';
import { findRecoveryCode, RECOVERY_CODE_PATTERN, normalizeRecoveryCode } from './recovery.js';
import { derivePasswordKeys, unwrapPrincipalKey, unwrapRoot, wrapPrincipalKey } from './wraps.js';

export interface LoginOptions {
  user: string;
  password: string;
  /**
   * Asked for only when the password was right and the account has MFA: a TOTP
   * code or a recovery code. Undefined (or no callback) → AUTH_REQUIRED.
   */
  secondFactor?: () => Promise<string | undefined>;
  audit?: AuditSink;
  lockout?: LockoutPolicy;
  passwordPolicy?: PasswordPolicy;
  /** Let a user whose password must change through (only `changePassword` does). */
  allowPasswordChange?: boolean;
  now?: () => Date;
}

export interface LoginResult {
  ctx: VaultContext;
  secondFactor: 'none' | 'totp' | 'recovery-code';
  recoveryCodesLeft: number;
  /** The stored Argon2id parameters were raised to the current default. */
  kdfUpgraded: boolean;
}

function authFailed(): CircleError {
  return new CircleError('AUTH_FAILED', 'Wrong user name or password', { hint: 'Try again; repeated failures lock the account for a while.' });
}

export function lockedError(user: string, until: Date): CircleError {
  return new CircleError('AUTH_LOCKED', `Account "${user}" is locked after repeated failures until ${until.toISOString()}`, {
    hint: 'Wait until then, or ask an admin to run `circle auth users unlock NAME`.',
    details: { user, lockedUntil: until.toISOString() },
  });
}

/**
 * Password (Argon2id), then TOTP or a recovery code when MFA is on. Every failure
 * is counted (across processes) toward the lockout and audited; the lockout is
 * checked before any key derivation.
 */
export async function loginWithPassword(home: string, options: LoginOptions): Promise<LoginResult> {
  const audit = options.audit ?? discardAuditEvents;
  const now = options.now ?? (() => new Date());
  const lockout = options.lockout ?? DEFAULT_LOCKOUT_POLICY;
  const user = options.user;
  const actor = { type: 'user' as const, id: user };
  const fail = async (reason: string): Promise<never> => {
    const outcome = await recordLoginFailure(home, user, lockout, now());
    await audit.record({ action: 'auth.login', outcome: 'failure', actor, target: user, reason: reason === 'password' ? 'bad-password' : 'bad-code', details: { reason, failures: outcome.failures } });
    if (outcome.lockedUntil) {
      await audit.record({ action: 'auth.lockout', outcome: 'failure', actor, target: user, reason: 'locked', details: { lockedUntil: outcome.lockedUntil.toISOString() } });
      throw lockedError(user, outcome.lockedUntil);
    }
    if (reason === 'totp') throw new CircleError('AUTH_FAILED', 'Wrong or already used authentication code', { hint: 'Wait for the next code and try again.' });
    if (reason === 'recovery-code') {
      throw new CircleError('AUTH_FAILED', 'Wrong or already used recovery code', { hint: 'Each recovery code works once; try another one, or your authenticator code.' });
    }
    throw authFailed();
  };

  const data = await readVaultOrFail(home);
  const locked = await lockedUntil(home, user, now());
  if (locked) {
    await audit.record({ action: 'auth.login', outcome: 'denied', actor, target: user, reason: 'locked', details: { reason: 'locked' } });
    throw lockedError(user, locked);
  }
  const record = ownEntry(data.users, user);
  if (!record) {
    // Spend the same time as a real check so timing does not reveal which names exist.
    await derivePasswordKeys(options.password, randomSalt(), currentArgon2Params());
    await audit.record({ action: 'auth.login', outcome: 'failure', actor, target: user, reason: 'unknown-user', details: { reason: 'unknown-user' } });
    throw authFailed();
  }
  const salt = Buffer.from(record.password.salt, 'base64');
  const keys = await derivePasswordKeys(options.password, salt, record.password.kdf);
  if (!constantTimeEqual(keys.verifier, Buffer.from(record.password.verifier, 'base64'))) return fail('password');

  // The password is right: from here a failure to open means damage, not a guess (exit 5).
  const principal = `user:${user}` as const;
  const userKey = unwrapPrincipalKey(keys.kek, data.vaultId, principal, record.password.wrappedUserKey);
  const rootKey = unwrapRoot(userKey, data.vaultId, data.generation, principal, record.wrappedRoot);
  verifyVaultMac(home, data, rootKey);

  if (record.locked) {
    await audit.record({ action: 'auth.login', outcome: 'denied', actor, target: user, reason: 'locked-by-admin', details: { reason: 'locked-by-admin' } });
    throw new CircleError('AUTH_LOCKED', `Account "${user}" is locked by an admin`, { hint: 'Ask an admin to run `circle auth users unlock NAME`.', details: { user } });
  }
  const ctx = new VaultContext({ home, data, rootKey, actor, role: record.role, audit, method: { kind: 'password' } });

  let factor: LoginResult['secondFactor'] = 'none';
  let usedRecovery = -1;
  let step: number | undefined;
  let givenCode = '';
  if (record.mfa.enabled) {
    const code = (await options.secondFactor?.())?.trim();
    if (!code) {
      throw new CircleError('AUTH_REQUIRED', `User "${user}" has MFA enabled: an authenticator or recovery code is required`, {
        hint: 'Pass --totp CODE, or put the code on the second line of --password-stdin.',
      });
    }
    givenCode = code;
    if (RECOVERY_CODE_PATTERN.test(normalizeRecoveryCode(code))) {
      usedRecovery = findRecoveryCode(record, rootKey, data.vaultId, code);
      if (usedRecovery < 0) return fail('recovery-code');
      factor = 'recovery-code';
    } else {
      const secret = await getInternal(data, ctx, 'totp', user);
      if (!secret) throw new CircleError('INTEGRITY', `The TOTP secret of "${user}" is missing from the vault`, { hint: 'Restore the vault from a backup.' });
      step = matchTotpStep(secret, code, Math.floor(now().getTime() / 1000));
      secret.fill(0);
      if (step === undefined || (record.mfa.lastStep !== undefined && step <= record.mfa.lastStep)) return fail('totp');
      factor = 'totp';
    }
  }

  const wanted = currentArgon2Params();
  const upgrade = argon2NeedsUpgrade(record.password.kdf, wanted);
  const expired = passwordExpired(record.passwordChangedAt, options.passwordPolicy ?? DEFAULT_PASSWORD_POLICY, now());
  // Commit the single-use parts (TOTP step, recovery code) under the vault lock: a concurrent login with the same code loses.
  const replayed = await updateVault(ctx.keys, async (current) => {
    const fresh = ownEntry(current.users, user);
    if (!fresh) return { result: true };
    if (factor === 'totp' && step !== undefined) {
      if (fresh.mfa.lastStep !== undefined && step <= fresh.mfa.lastStep) return { result: true };
      fresh.mfa.lastStep = step;
    }
    if (factor === 'recovery-code') {
      const index = findRecoveryCode(fresh, rootKey, current.vaultId, givenCode);
      if (index < 0) return { result: true };
      fresh.mfa.recoveryCodes[index] = { ...fresh.mfa.recoveryCodes[index]!, usedAt: now().toISOString() };
    }
    if (upgrade) await upgradePasswordHash(fresh, current, options.password, userKey);
    if (factor === 'none' && !upgrade) return { result: false };
    return { body: current, result: false };
  });
  userKey.fill(0);
  if (replayed) return fail(factor === 'totp' ? 'totp' : 'recovery-code');

  const stillLocked = await recordLoginSuccess(home, user, now());
  if (stillLocked) throw lockedError(user, stillLocked);

  if ((record.mustChangePassword || expired) && !options.allowPasswordChange) {
    await audit.record({ action: 'auth.login', outcome: 'denied', actor, target: user, details: { reason: record.mustChangePassword ? 'password-reset' : 'password-expired' } });
    throw new CircleError('AUTH_REQUIRED', `The password of "${user}" must be changed before logging in`, { hint: 'Run `circle auth passwd`.' });
  }
  await audit.record({ action: 'auth.login', outcome: 'success', actor, target: user, details: { secondFactor: factor, kdfUpgraded: upgrade } });
  if (factor === 'recovery-code') await audit.record({ action: 'auth.recovery-code', outcome: 'success', actor, target: user });
  const left = record.mfa.recoveryCodes.filter((c) => !c.usedAt).length - (factor === 'recovery-code' ? 1 : 0);
  return { ctx, secondFactor: factor, recoveryCodesLeft: left, kdfUpgraded: upgrade };
}

async function upgradePasswordHash(record: UserRecord, data: VaultData, password: string, userKey: Buffer): Promise<void> {
  const params = currentArgon2Params();
  const salt = randomSalt();
  const keys = await derivePasswordKeys(password, salt, params);
  record.password = {
    kdf: params,
    salt: salt.toString('base64'),
    verifier: keys.verifier.toString('base64'),
    wrappedUserKey: wrapPrincipalKey(keys.kek, data.vaultId, `user:${record.name}`, userKey),
  };
}
