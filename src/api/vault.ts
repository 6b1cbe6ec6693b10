/**
 * `circle-core/vault`: create and open the vault, the keyring (list, rotate), and sealed records.
 * Users, sessions, tokens and roles are in `circle-core/auth`.
 */
export { VaultContext, type VaultActor, type UnlockMethod } from '../core/vault/context.js';
export { sealRecord, openRecord, resealRecord, registerRecordStore, registeredRecordStores, type RecordRef, type RecordStore, type SealedRecord, type SealingKeys } from '../core/vault/envelope.js';
export { userIdentity } from '../core/vault/identity.js';
export { initVault, vaultExists, type InitVaultOptions, type InitVaultResult } from '../core/vault/init.js';
export { listKeys, rotateKeys, type KeyInfo, type RotateKeysOptions, type RotateKeysResult } from '../core/vault/keys.js';
export { sealedRecordSchema } from '../core/vault/schema.js';
export { vaultPath } from '../core/vault/store.js';
export type * from '../core/vault/types.js';
