import type { OwnRecipientResult } from './own-recipient.js';

/**
 * What `circle secrets` commands return: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { CiKeyResult, RecipientChangeResult, RecipientListing, SecretHistoryEntry, SecretListing, SecretValue, SecretWriteResult } from './project-store.js';

/** `--json` result of secrets ci-key create. */
export type SecretsCiKeyCreateResult = CiKeyResult;

/** `--json` result of secrets export. */
export interface SecretsExportResult {
  env: string;
  format: string;
  names: string[];
  output: string;
  /** Only with --reveal and --json: the values themselves. */
  values?: Record<string, string>;
}

/** `--json` result of secrets get. */
export type SecretsGetResult = SecretValue;

/** `--json` result of secrets history. */
export interface SecretsHistoryResult {
  name: string;
  env: string;
  versions: SecretHistoryEntry[];
}

/** `--json` result of secrets import. */
export interface SecretsImportResult {
  env: string;
  source: string;
  imported: { name: string; version: number }[];
  deletedSource: boolean;
}

/** `--json` result of secrets list. */
export interface SecretsListResult {
  env: string;
  secrets: (SecretListing & { value?: string })[];
}

/** `--json` result of secrets recipients add. */
export interface SecretsRecipientsAddResult extends RecipientChangeResult {
  /** The recipient's age1… public key. */
  recipient: string;
  /** With --token: the machine token's id. */
  tokenId?: string;
}

/** `--json` result of secrets recipients list. */
export interface SecretsRecipientsListResult {
  env: string;
  recipients: RecipientListing[];
}

/** `--json` result of secrets recipients remove. */
export type SecretsRecipientsRemoveResult = RecipientChangeResult;

/** `--json` result of secrets rm. */
export interface SecretsRmResult {
  name: string;
  env: string;
}

/** `--json` result of secrets rollback. */
export type SecretsRollbackResult = SecretWriteResult & { restoredFrom: number };

/** `--json` result of secrets rotate. */
export type SecretsRotateResult = SecretWriteResult & { length: number; alphabet: string };

/** `--json` result of secrets run. */
export interface SecretsRunResult {
  env: string;
  command: string;
  exitCode: number;
  injected: string[];
  /** Environment variables whose `secret://` reference was replaced (names and references only). */
  references: { variable: string; reference: string }[];
}

/** `--json` result of secrets set. */
export type SecretsSetResult = SecretWriteResult;

export type SecretsRecipientsWhoamiResult = OwnRecipientResult;
