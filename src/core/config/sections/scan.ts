import { z } from 'zod';

/** `scan.*`: the dependency scanner's threshold and database age, the secret scanner's file-size cap. */
export const scanSection = {
  'scan.failOn': z.enum(['low', 'moderate', 'high', 'critical']).default('low').describe('Lowest severity that makes `scan deps` exit 1.'),
  'scan.db.maxAgeDays': z.number().int().min(0).default(7).describe('Warn when the advisory database is older than this; 0 = never warn.'),
  'scan.secrets.maxFileSizeKiB': z.number().int().min(1).default(2048).describe('Files larger than this are skipped by `scan secrets` (--max-file-size and the project scan file override it).'),
};

type ScanValues = { [K in keyof typeof scanSection]: z.output<(typeof scanSection)[K]> };

export interface ScanPolicy {
  failOn: ScanValues['scan.failOn'];
  /** 0 = never warn about an old advisory database. */
  dbMaxAgeDays: number;
  secrets: { maxFileSizeBytes: number };
}

export function scanPolicy(values: ScanValues): ScanPolicy {
  return {
    failOn: values['scan.failOn'],
    dbMaxAgeDays: values['scan.db.maxAgeDays'],
    secrets: { maxFileSizeBytes: values['scan.secrets.maxFileSizeKiB'] * 1024 },
  };
}
