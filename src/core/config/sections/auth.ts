import { z } from 'zod';
import type { LockoutPolicy } from '../../auth/lockout.js';
import type { PasswordPolicy } from '../../auth/password-policy.js';
import type { SessionPolicy } from '../../auth/session.js';

/** `auth.*`: passwords, lockout, sessions and machine tokens. */
export const authSection = {
  'auth.passwordMinLength': z.number().int().min(8).max(1024).default(12).describe('Minimum password length.'),
  'auth.passwordMaxAgeDays': z.number().int().min(0).default(0).describe('Force a password change after this many days; 0 = never (NIST SP 800-63B advises against forced changes).'),
  'auth.lockout.maxAttempts': z.number().int().min(1).max(1000).default(5).describe('Failed logins within the window that lock an account.'),
  'auth.lockout.windowMinutes': z.number().int().min(1).default(15).describe('Window for counting failed logins, and how long a lockout lasts.'),
  'auth.session.idleMinutes': z.number().int().min(1).default(15).describe('A session expires after this long unused.'),
  'auth.session.absoluteHours': z.number().int().min(1).default(12).describe('A session expires this long after login, however used.'),
  'auth.token.defaultExpiryDays': z.number().int().min(1).default(30).describe('Expiry of machine tokens created without --expires.'),
};

type AuthValues = { [K in keyof typeof authSection]: z.output<(typeof authSection)[K]> };

export interface AuthPolicies {
  lockout: LockoutPolicy;
  password: PasswordPolicy;
  session: SessionPolicy;
  tokenDefaultExpiryDays: number;
}

/** Passwords longer than this are refused whatever the configuration (Argon2 input bound). */
const PASSWORD_MAX_LENGTH = 1024;

export function authPolicies(values: AuthValues): AuthPolicies {
  const windowMs = values['auth.lockout.windowMinutes'] * 60_000;
  const maxAge = values['auth.passwordMaxAgeDays'];
  return {
    lockout: { maxFailures: values['auth.lockout.maxAttempts'], windowMs, lockoutMs: windowMs },
    password: { minLength: values['auth.passwordMinLength'], maxLength: PASSWORD_MAX_LENGTH, ...(maxAge > 0 ? { maxAgeDays: maxAge } : {}) },
    session: { idleMs: values['auth.session.idleMinutes'] * 60_000, absoluteMs: values['auth.session.absoluteHours'] * 3_600_000 },
    tokenDefaultExpiryDays: values['auth.token.defaultExpiryDays'],
  };
}
