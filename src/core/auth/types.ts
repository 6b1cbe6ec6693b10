/**
 * What `circle auth` commands return: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { TokenSummary } from './tokens.js';
import type { UserSummary } from './users.js';

/** `--json` result of auth login. */
export interface AuthLoginResult {
  user: string;
  role: string;
  /** The session token, shown once (also kept in <home>/session.token, mode 0600). */
  token: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  secondFactor: 'none' | 'totp' | 'recovery-code';
  recoveryCodesLeft: number;
}

/** `--json` result of auth logout. */
export interface AuthLogoutResult {
  loggedOut: boolean;
}

/** `--json` result of auth mfa disable. */
export interface AuthMfaDisableResult {
  user: string;
  mfa: false;
}

/** `--json` result of auth mfa enable. */
export interface AuthMfaEnableResult {
  status: 'pending' | 'enabled';
  /** Shown once while pending: the otpauth:// URI for the authenticator app. */
  otpauthUri?: string;
  /** Shown once when enabled. */
  recoveryCodes?: string[];
}

/** `--json` result of auth mfa recovery-codes. */
export interface AuthMfaRecoveryCodesResult {
  /** Shown once; the previous codes stop working. */
  recoveryCodes: string[];
}

/** `--json` result of auth passwd. */
export interface AuthPasswdResult {
  user: string;
  /** Set when an admin reset another user's password (they must change it at next login). */
  reset: boolean;
}

/** `--json` result of auth status. */
export interface AuthStatusResult {
  vault: boolean;
  loggedIn: boolean;
  via?: 'session' | 'token';
  user?: string;
  role?: string;
  mfa?: boolean;
  idleExpiresAt?: string;
  absoluteExpiresAt?: string;
  /** Why there is no usable session (expired, not logged in…). */
  reason?: string;
}

/** `--json` result of auth token create. */
export interface AuthTokenCreateResult {
  id: string;
  name: string;
  role: string;
  expiresAt?: string;
  /** The token, shown once: it is not stored anywhere. */
  token: string;
}

/** `--json` result of auth token list. */
export interface AuthTokenListResult {
  tokens: TokenSummary[];
}

/** `--json` result of auth token revoke. */
export type AuthTokenRevokeResult = TokenSummary;

/** `--json` result of auth users add. */
export type AuthUsersAddResult = UserSummary;

/** `--json` result of auth users list. */
export interface AuthUsersListResult {
  users: UserSummary[];
}

/** `--json` result of auth users lock. */
export type AuthUsersLockResult = UserSummary;

/** `--json` result of auth users remove. */
export interface AuthUsersRemoveResult {
  removed: string;
  /** The root key generation after the re-key. */
  generation: number;
}

/** `--json` result of auth users role. */
export type AuthUsersRoleResult = UserSummary;

/** `--json` result of auth users unlock. */
export type AuthUsersUnlockResult = UserSummary;

/** `--json` result of auth whoami. */
export interface AuthWhoamiResult {
  type: 'user' | 'token';
  id: string;
  role: string;
  via: 'session' | 'token' | 'password';
  permissions: string[];
}
