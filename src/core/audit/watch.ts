import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { z } from 'zod';
import { GENESIS_PREV, parseEntryLine, readEntryHead, type AuditEntry } from './entry.js';
import type { AuditKeys } from './keys.js';
import { auditLayout } from './layout.js';
import { leafHash } from './merkle.js';
import { forEachEntry } from './query.js';
import { listSegments, readPrunedLeaves, scanLines } from './segments.js';
import { verifyAuditLog } from './verify.js';

/**
 * Monitoring: rules evaluated over entries as they are appended. Details are
 * encrypted, so rules look only at clear fields (action, outcome, actor, target,
 * reason). Conventions other topics follow so the defaults fire:
 * - a failed login: action `auth.login`, outcome `failure` or `denied`, target = the user name tried;
 * - a secret read: action `secrets.read`, one entry per secret value returned;
 * - a revoked token: action `auth.token.use`, outcome `denied`, reason `revoked`, target `token:<id>`.
 */

/** The `audit.watch` configuration section; every field has a default. */
export const auditWatchSettingsSchema = z.strictObject({
  failedLogins: z
    .strictObject({
      enabled: z.boolean().default(true),
      threshold: z.number().int().min(1).default(5),
      windowMinutes: z.number().positive().default(15),
    })
    .prefault({}),
  secretReads: z
    .strictObject({
      enabled: z.boolean().default(true),
      threshold: z.number().int().min(1).default(50),
      windowSeconds: z.number().positive().default(60),
    })
    .prefault({}),
  verificationFailure: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  revokedToken: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
});
export type AuditWatchRules = z.infer<typeof auditWatchSettingsSchema>;
export type AuditWatchSettings = z.input<typeof auditWatchSettingsSchema>;

/** Validates rule settings from configuration (the lead's config module passes its `audit.watch` section). */
export function resolveWatchRules(settings: unknown = {}): AuditWatchRules {
  return auditWatchSettingsSchema.parse(settings ?? {});
}

export type AuditAlertRule = 'failed-logins' | 'secret-reads' | 'verification' | 'revoked-token';

export interface AuditAlert {
  rule: AuditAlertRule;
  /** Time of the entry that fired it (or of the check). */
  time: string;
  message: string;
  seq?: number;
  subject?: string;
  count?: number;
}

/** Sliding-window counters per subject; an alert resets its window so a burst alerts once. */
export class AuditAlertEngine {
  private readonly failedLogins = new Map<string, number[]>();
  private readonly secretReads = new Map<string, number[]>();

  constructor(private readonly rules: AuditWatchRules) {}

  observe(entry: AuditEntry): AuditAlert[] {
    const alerts: AuditAlert[] = [];
    const t = Date.parse(entry.time);
    const { failedLogins, secretReads, revokedToken } = this.rules;
    if (failedLogins.enabled && /^auth\.login(\.|$)/.test(entry.action) && entry.outcome !== 'success') {
      const subject = entry.target ?? entry.actor.id;
      const count = this.bump(this.failedLogins, subject, t, failedLogins.windowMinutes * 60_000, failedLogins.threshold);
      if (count) {
        alerts.push({ rule: 'failed-logins', time: entry.time, seq: entry.seq, subject, count, message: `${count} failed logins for ${subject} within ${failedLogins.windowMinutes} min` });
      }
    }
    if (secretReads.enabled && (entry.action === 'secrets.read' || entry.action === 'secrets.get') && entry.outcome === 'success') {
      const subject = `${entry.actor.type}:${entry.actor.id}`;
      const count = this.bump(this.secretReads, subject, t, secretReads.windowSeconds * 1000, secretReads.threshold);
      if (count) {
        alerts.push({ rule: 'secret-reads', time: entry.time, seq: entry.seq, subject, count, message: `${count} secret reads by ${subject} within ${secretReads.windowSeconds} s` });
      }
    }
    if (revokedToken.enabled && entry.action === 'auth.token.use' && entry.outcome === 'denied' && (entry.reason === 'revoked' || /\brevoked\b/.test(entry.target ?? ''))) {
      const subject = entry.target ?? entry.actor.id;
      alerts.push({ rule: 'revoked-token', time: entry.time, seq: entry.seq, subject, message: `Use of revoked token ${subject}` });
    }
    return alerts;
  }

  /** Counts the event; returns the count when it reaches the threshold (and resets), else 0. */
  private bump(windows: Map<string, number[]>, subject: string, t: number, windowMs: number, threshold: number): number {
    const times = (windows.get(subject) ?? []).filter((x) => x > t - windowMs);
    times.push(t);
    if (times.length >= threshold) {
      windows.delete(subject);
      return times.length;
    }
    windows.set(subject, times);
    return 0;
  }
}

export interface WatchOptions {
  rules: AuditWatchRules;
  keys: Pick<AuditKeys, 'origin' | 'verifyKey'>;
  onAlert: (alert: AuditAlert) => void;
  /** Follow mode stops when this aborts. */
  signal?: AbortSignal;
  /** Polling interval (fs.watch is used too, but is not reliable everywhere). Default 1000 ms. */
  pollMs?: number;
  now?: () => Date;
  /** Called once the existing log has been read: entries appended after this raise alerts. */
  onReady?: () => void;
}

/** `watch --once`: all rules over the whole existing log, plus a full verification. */
export async function evaluateAuditLog(homeDir: string, options: Omit<WatchOptions, 'signal' | 'pollMs'>): Promise<AuditAlert[]> {
  const alerts: AuditAlert[] = [];
  const emit = (a: AuditAlert) => {
    alerts.push(a);
    options.onAlert(a);
  };
  const engine = new AuditAlertEngine(options.rules);
  await forEachEntry(homeDir, (entry) => engine.observe(entry).forEach(emit));
  if (options.rules.verificationFailure.enabled) {
    const result = await verifyAuditLog(homeDir, { keys: options.keys });
    if (!result.ok && result.firstBad) {
      emit({ rule: 'verification', time: (options.now?.() ?? new Date()).toISOString(), seq: result.firstBad.seq, message: `Audit log verification failed: ${result.firstBad.message}` });
    }
  }
  return alerts;
}

/**
 * Follow mode: verifies once, reads the existing entries to fill the rule
 * windows (without alerting on history — that is what `--once` is for), then
 * evaluates each new entry as it is appended, checking its chain link as it goes.
 */
export async function followAuditLog(homeDir: string, options: WatchOptions): Promise<void> {
  const layout = auditLayout(homeDir);
  const engine = new AuditAlertEngine(options.rules);
  const now = () => (options.now?.() ?? new Date()).toISOString();
  let chainBroken = false;
  if (options.rules.verificationFailure.enabled) {
    const result = await verifyAuditLog(homeDir, { keys: options.keys });
    if (!result.ok && result.firstBad) {
      chainBroken = true;
      options.onAlert({ rule: 'verification', time: now(), seq: result.firstBad.seq, message: `Audit log verification failed: ${result.firstBad.message}` });
    }
  }
  const pruned = await readPrunedLeaves(layout);
  const position = { segment: pruned.length, offset: 0, nextSeq: pruned.length, prev: pruned.length ? pruned[pruned.length - 1]!.toString('hex') : GENESIS_PREV };
  let priming = true;

  const readNew = async () => {
    const segments = await listSegments(layout);
    for (const segment of segments) {
      const nextFirst = segments[segments.indexOf(segment) + 1]?.firstSeq ?? Number.POSITIVE_INFINITY;
      if (nextFirst <= position.nextSeq && segment.firstSeq < position.nextSeq) continue;
      if (segment.firstSeq < position.segment) continue;
      const start = segment.firstSeq === position.segment ? position.offset : 0;
      const scan = await scanLines(
        segment.path,
        ({ line }) => {
          const head = readEntryHead(line);
          const entry = parseEntryLine(line.toString('utf8'));
          if (!chainBroken && options.rules.verificationFailure.enabled && (!head || !entry || head.seq !== position.nextSeq || head.prev !== position.prev)) {
            chainBroken = true;
            options.onAlert({ rule: 'verification', time: now(), seq: position.nextSeq, message: `Audit log verification failed at entry ${position.nextSeq} (segment ${segment.name})` });
          }
          position.prev = leafHash(line).toString('hex');
          position.nextSeq = (head?.seq ?? position.nextSeq) + 1;
          if (entry && !priming) engine.observe(entry).forEach(options.onAlert);
          else if (entry) engine.observe(entry);
        },
        start,
      );
      position.segment = segment.firstSeq;
      position.offset = scan.end;
    }
  };

  await readNew();
  priming = false;
  options.onReady?.();
  if (options.signal?.aborted) return;
  await new Promise<void>((resolve) => {
    let running = false;
    let again = false;
    const tick = () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      readNew()
        .catch(() => undefined)
        .finally(() => {
          running = false;
          if (again) {
            again = false;
            tick();
          }
        });
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = fsWatch(layout.segmentsDir, { persistent: false }, tick);
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined; // No segments dir yet, or no fs.watch here: polling covers it.
    }
    const timer = setInterval(tick, options.pollMs ?? 1000);
    const stop = () => {
      clearInterval(timer);
      watcher?.close();
      resolve();
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
  });
}
