/**
 * What `circle audit` commands return: the `--json` documents, as plain data.
 * Commands return these unchanged; a library user or a server gets the same shapes.
 * Their JSON Schemas are snapshotted in test/snapshots/result-schemas.json.
 */
import type { AuditEntry } from './entry.js';
import type { ConsistencyProofResult } from './prove.js';
import type { ReadableAuditEntry } from './query.js';
import type { AuditVerifyResult } from './verify.js';
import type { AuditAlert } from './watch.js';

/** `--json` result of audit checkpoint. */
export interface AuditCheckpointResult {
  origin: string;
  size: number;
  root: string;
  /** The signed note (C2SP tlog-checkpoint); absent with --public-key. */
  note?: string;
  /** The signed-note verifier key: `<name>+<key id>+<base64 key>`. */
  verifierKey: string;
  out?: string;
}

/** `--json` result of audit export. */
export interface AuditExportResult {
  count: number;
  out?: string;
}

/** `--json` result of audit log. */
export interface AuditLogResult {
  entries: (AuditEntry | ReadableAuditEntry)[];
  count: number;
  /** Entries whose contents retention removed (only their hashes remain). */
  pruned: number;
  malformed: number;
}

/** `--json` result of audit prove. */
export type AuditProveResult = ConsistencyProofResult & { out?: string };

/** `--json` result of audit verify. */
export type AuditVerifyCommandResult = AuditVerifyResult;

/** `--json` result of audit watch. */
export interface AuditWatchResult {
  alerts: AuditAlert[];
  count: number;
}
