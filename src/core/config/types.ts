/**
 * What `circle config` commands return: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { ConfigEntry } from './resolve.js';
import type { ConfigValidationResult } from './validate.js';
import type { ConfigWriteResult } from './write.js';

/** `--json` result of config get. */
export type ConfigGetResult = ConfigEntry;

/** `--json` result of config list. */
export interface ConfigListResult {
  environment: string;
  projectRoot?: string;
  entries: (ConfigEntry & { description: string })[];
}

/** `--json` result of config set. */
export type ConfigSetResult = ConfigWriteResult;

/** `--json` result of config unset. */
export type ConfigUnsetResult = ConfigWriteResult;

/** `--json` result of config validate. */
export type ConfigValidateResult = ConfigValidationResult;
