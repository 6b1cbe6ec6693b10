import { z } from 'zod';
import type { AuditSettings } from '../../audit/settings.js';

/** `audit.*`: segment rotation, retention and the `audit watch` alert rules. */
export const auditSection = {
  'audit.segmentMaxBytes': z.number().int().min(4096).default(64 * 1024 * 1024).describe('Start a new audit log segment past this size.'),
  'audit.retentionDays': z.number().int().min(0).default(0).describe('Prune audit segments older than this (their tree state is kept); 0 = keep forever.'),
  'audit.rules.failedLogins.threshold': z.number().int().min(1).default(5).describe('Alert after this many failed logins for one user within the window.'),
  'audit.rules.failedLogins.windowMinutes': z.number().int().min(1).default(15).describe('Window for the failed-login alert.'),
  'audit.rules.secretReads.threshold': z.number().int().min(1).default(50).describe('Alert after this many secret reads by one actor within the window.'),
  'audit.rules.secretReads.windowSeconds': z.number().int().min(1).default(60).describe('Window for the secret-read alert.'),
};

type AuditValues = { [K in keyof typeof auditSection]: z.output<(typeof auditSection)[K]> };

const DAY_MS = 24 * 3600 * 1000;

/** The log's rotation and retention policies and the watch rules. */
export function auditPolicy(values: AuditValues): AuditSettings {
  const retentionDays = values['audit.retentionDays'];
  return {
    rotation: { maxBytes: values['audit.segmentMaxBytes'] },
    ...(retentionDays ? { retention: { maxAgeMs: retentionDays * DAY_MS } } : {}),
    // The values were validated by the schema above; the rule switches have no config key and stay on.
    watchRules: {
      failedLogins: { enabled: true, threshold: values['audit.rules.failedLogins.threshold'], windowMinutes: values['audit.rules.failedLogins.windowMinutes'] },
      secretReads: { enabled: true, threshold: values['audit.rules.secretReads.threshold'], windowSeconds: values['audit.rules.secretReads.windowSeconds'] },
      verificationFailure: { enabled: true },
      revokedToken: { enabled: true },
    },
  };
}
