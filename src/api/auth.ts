/**
 * `circle-core/auth`: users, passwords, MFA, sessions, machine tokens, and the role → permission table.
 */
export { loginWithPassword, type LoginOptions, type LoginResult } from '../core/auth/login.js';
export { createSession, unlockWithSession, endSession, sessionStatus, readCurrentSessionToken, currentSessionFile, DEFAULT_SESSION_POLICY, type SessionInfo, type SessionPolicy, type SessionStatus } from '../core/auth/session.js';
export { createMachineToken, listMachineTokens, revokeMachineToken, unlockWithMachineToken, parseExpiry, type TokenSummary } from '../core/auth/tokens.js';
export { listUsers, getUser, addUser, removeUser, setUserLocked, setUserRole, resetUserPassword, changePassword, type UserSummary } from '../core/auth/users.js';
export { beginMfaEnrolment, confirmMfaEnrolment, disableMfa, regenerateRecoveryCodes, type MfaEnrolment } from '../core/auth/mfa.js';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, roleHas, permissionsOf, type Permission, type Role } from '../core/auth/permissions.js';
export { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from '../core/auth/lockout.js';
export { DEFAULT_PASSWORD_POLICY, checkPassword, type PasswordPolicy } from '../core/auth/password-policy.js';
export type * from '../core/auth/types.js';
