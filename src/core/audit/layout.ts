import { join } from 'node:path';

/** Where the audit log keeps its files inside the home. */
export interface AuditLayout {
  dir: string;
  segmentsDir: string;
  /** Guards every append, rotation and prune: `<dir>/log.lock`. */
  lockTarget: string;
  checkpoints: string;
  prunedLeaves: string;
  publicKeys: string;
  /** Legacy private keys (before the vault held them); migrated and deleted by keys.ts. */
  privateKeys: string;
}

export function auditLayout(homeDir: string): AuditLayout {
  const dir = join(homeDir, 'audit');
  return {
    dir,
    segmentsDir: join(dir, 'segments'),
    lockTarget: join(dir, 'log'),
    checkpoints: join(dir, 'checkpoints.jsonl'),
    prunedLeaves: join(dir, 'pruned.leaves'),
    publicKeys: join(dir, 'public-keys.json'),
    privateKeys: join(homeDir, 'audit-keys.json'),
  };
}

/** Segment files are named by the sequence number of their first entry, so order and coverage are visible. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(12, '0')}.jsonl`;
}

export function parseSegmentName(name: string): number | undefined {
  const m = /^(\d{12})\.jsonl$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
