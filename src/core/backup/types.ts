/** The manifest at the head of every backup archive (`circle-backup.json`). */
export interface BackupManifest {
  format: 'circle-backup/1';
  id: string;
  createdAt: string;
  /** Every regular file under `circle-home/`, in archive order. */
  files: { path: string; size: number; mode: number }[];
  includesScanDb: boolean;
}

export interface BackupInfo {
  id: string;
  key: string;
  size: number;
  createdAt: string;
}

export interface BackupCreateResult extends BackupInfo {
  store: string;
  files: number;
  bytes: number;
  recipients: number;
}

export interface BackupListResult {
  store: string;
  backups: BackupInfo[];
}

export interface BackupVerifyResult {
  store: string;
  id: string;
  ok: true;
  files: number;
  bytes: number;
}

export interface BackupChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
}

export interface BackupRestoreResult {
  store: string;
  id: string;
  /** False when only the plan was computed (no --yes). */
  applied: boolean;
  changes: BackupChange[];
  /** True when the current audit log is not a prefix of the backup's: restoring would drop entries (go back in time). */
  rollsBackAudit: boolean;
}

export interface BackupPruneResult {
  store: string;
  kept: string[];
  deleted: string[];
}
