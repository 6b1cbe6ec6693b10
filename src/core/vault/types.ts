/**
 * What `circle init` and `circle keys` return: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { KeysListResult, RotateKeysResult } from './keys.js';

/** `--json` result of keys list. */
export type { KeysListResult };

/** `--json` result of init. */
export interface InitResult {
  home: string;
  vaultId: string;
  admin: string;
  /** `pending`: scan the URI, then confirm with `circle auth mfa enable --code CODE`. */
  mfa: 'enabled' | 'pending' | 'off';
  /** Shown once, for the authenticator app (only when MFA is pending or was enrolled here). */
  otpauthUri?: string;
  /** Shown once: store them somewhere safe. */
  recoveryCodes?: string[];
}

/** `--json` result of keys rotate. */
export type KeysRotateResult = RotateKeysResult;
