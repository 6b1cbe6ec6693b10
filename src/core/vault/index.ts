/**
 * The vault's public API, for the rest of core, the commands and library users.
 * Other engineers build on these names: keep them stable.
 */
export { VaultContext, type VaultActor, type UnlockMethod } from './context.js';
export { sealRecord, openRecord, resealRecord, registerRecordStore, registeredRecordStores, type RecordRef, type RecordStore, type SealedRecord, type SealingKeys } from './envelope.js';
export { getSystemSecret, putSystemSecret } from './system-secrets.js';
export { userIdentity } from './identity.js';
export { initVault, vaultExists, type InitVaultOptions, type InitVaultResult } from './init.js';
export { listKeys, rotateKeys, type KeyInfo, type KeysListResult, type RotateKeysOptions, type RotateKeysResult } from './keys.js';
export { sealedRecordSchema } from './schema.js';
export { vaultPath } from './store.js';
export { loginWithPassword, type LoginOptions, type LoginResult } from '../auth/login.js';
export { createSession, unlockWithSession, endSession, sessionStatus, readCurrentSessionToken, currentSessionFile, DEFAULT_SESSION_POLICY, type SessionInfo, type SessionPolicy, type SessionStatus } from '../auth/session.js';
export { createMachineToken, listMachineTokens, revokeMachineToken, unlockWithMachineToken, parseExpiry, type TokenSummary } from '../auth/tokens.js';
export { listUsers, getUser, addUser, removeUser, setUserLocked, setUserRole, resetUserPassword, changePassword, type UserSummary } from '../auth/users.js';
export { beginMfaEnrolment, confirmMfaEnrolment, disableMfa, regenerateRecoveryCodes, type MfaEnrolment } from '../auth/mfa.js';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, roleHas, permissionsOf, type Permission, type Role } from '../authz/permissions.js';
export { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from '../auth/lockout.js';
export { DEFAULT_PASSWORD_POLICY, checkPassword, type PasswordPolicy } from '../auth/password-policy.js';
export { x25519KeyObjects, type X25519KeyPair } from '../crypto/x25519.js';
