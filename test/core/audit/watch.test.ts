import { describe, expect, it } from 'vitest';
import { GENESIS_PREV, type AuditEntry } from '../../../src/core/audit/entry.js';
import { generateAuditKeys } from '../../../src/core/audit/keys.js';
import { appendAuditEvent } from '../../../src/core/audit/log.js';
import { matchesFilter, parseTimeBound } from '../../../src/core/audit/query.js';
import { auditSettingsFromConfig } from '../../../src/core/audit/settings.js';
import { AuditAlertEngine, followAuditLog, resolveWatchRules, type AuditAlert } from '../../../src/core/audit/watch.js';
import { tempHome } from './helpers.js';

let seq = 0;
function entry(partial: Partial<AuditEntry> & { at: number }): AuditEntry {
  const { at, ...rest } = partial;
  return { seq: seq++, prev: GENESIS_PREV, time: new Date(at).toISOString(), actor: { type: 'user', id: 'alice' }, action: 'auth.login', outcome: 'success', ...rest };
}
const T0 = Date.parse('2026-11-22T10:00:00Z');
const MIN = 60_000;

describe('alert rules', () => {
  it('defaults match the issue: 5 failed logins / 15 min, 50 secret reads / 1 min', () => {
    expect(resolveWatchRules()).toEqual({
      failedLogins: { enabled: true, threshold: 5, windowMinutes: 15 },
      secretReads: { enabled: true, threshold: 50, windowSeconds: 60 },
      verificationFailure: { enabled: true },
      revokedToken: { enabled: true },
    });
    expect(() => resolveWatchRules({ failedLogins: { threshold: 0 } })).toThrow();
    expect(() => resolveWatchRules({ nope: {} })).toThrow();
  });

  it('fires on the 5th failed login for one user within 15 minutes, not for spread-out ones', () => {
    const engine = new AuditAlertEngine(resolveWatchRules());
    const fails = (user: string, at: number) => engine.observe(entry({ at, outcome: 'failure', target: user }));
    for (let i = 0; i < 4; i++) expect(fails('bob', T0 + i * MIN)).toEqual([]);
    expect(fails('carol', T0 + 4 * MIN)).toEqual([]);
    expect(fails('bob', T0 + 5 * MIN)).toMatchObject([{ rule: 'failed-logins', subject: 'bob', count: 5 }]);
    // Spread over more than the window: never 5 inside 15 minutes.
    const spread = new AuditAlertEngine(resolveWatchRules());
    for (let i = 0; i < 10; i++) expect(spread.observe(entry({ at: T0 + i * 4 * MIN, outcome: 'denied', target: 'dave' }))).toEqual([]);
  });

  it('fires on 50 secret reads by one actor within a minute', () => {
    const engine = new AuditAlertEngine(resolveWatchRules());
    const alerts: AuditAlert[] = [];
    for (let i = 0; i < 50; i++) alerts.push(...engine.observe(entry({ at: T0 + i * 1000, action: 'secrets.read', actor: { type: 'token', id: 'ci' } })));
    expect(alerts).toMatchObject([{ rule: 'secret-reads', subject: 'token:ci', count: 50 }]);
    const slow = new AuditAlertEngine(resolveWatchRules());
    for (let i = 0; i < 60; i++) expect(slow.observe(entry({ at: T0 + i * 2000, action: 'secrets.read' }))).toEqual([]);
  });

  it('fires on any use of a revoked token, by reason or target', () => {
    const engine = new AuditAlertEngine(resolveWatchRules());
    expect(engine.observe(entry({ at: T0, action: 'auth.token.use', outcome: 'denied', reason: 'revoked', target: 'token:t1' }))).toMatchObject([{ rule: 'revoked-token' }]);
    expect(engine.observe(entry({ at: T0, action: 'auth.token.use', outcome: 'denied', target: 'token:t2 (revoked)' }))).toMatchObject([{ rule: 'revoked-token' }]);
    expect(engine.observe(entry({ at: T0, action: 'auth.token.use', outcome: 'denied', reason: 'expired', target: 'token:t3' }))).toEqual([]);
    const off = new AuditAlertEngine(resolveWatchRules({ revokedToken: { enabled: false } }));
    expect(off.observe(entry({ at: T0, action: 'auth.token.use', outcome: 'denied', reason: 'revoked' }))).toEqual([]);
  });

  it('maps the audit.* configuration keys', () => {
    const s = auditSettingsFromConfig({ 'audit.segmentMaxBytes': 8192, 'audit.retentionDays': 30, 'audit.rules.failedLogins.threshold': 3, 'audit.rules.secretReads.windowSeconds': 10 });
    expect(s.rotation).toEqual({ maxBytes: 8192 });
    expect(s.retention).toEqual({ maxAgeMs: 30 * 86_400_000 });
    expect(s.watchRules.failedLogins.threshold).toBe(3);
    expect(s.watchRules.secretReads).toMatchObject({ threshold: 50, windowSeconds: 10 });
    expect(auditSettingsFromConfig({ 'audit.retentionDays': 0 }).retention).toBeUndefined();
  });
});

describe('filters', () => {
  it('parses time bounds and matches action prefixes', () => {
    const now = new Date(T0);
    expect(parseTimeBound('15m', 'since', now).getTime()).toBe(T0 - 15 * MIN);
    expect(parseTimeBound('2026-11-01T00:00:00Z', 'since').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseTimeBound('yesterday', 'since')).toThrow(/--since/);
    const e = entry({ at: T0, action: 'auth.token.use', outcome: 'denied' });
    expect(matchesFilter(e, { action: 'auth.*' })).toBe(true);
    expect(matchesFilter(e, { action: 'auth.' })).toBe(true);
    expect(matchesFilter(e, { action: 'auth' })).toBe(false);
    expect(matchesFilter(e, { actor: 'user:alice', outcome: 'denied' })).toBe(true);
    expect(matchesFilter(e, { since: new Date(T0 + 1) })).toBe(false);
  });
});

describe('following the log', () => {
  it('alerts on new entries only, not on the history it primes from', async () => {
    const home = tempHome();
    try {
      const keys = generateAuditKeys();
      const revoked = { action: 'auth.token.use', outcome: 'denied' as const, actor: { type: 'token' as const, id: 't1' }, target: 'token:t1', reason: 'revoked' };
      await appendAuditEvent(home.dir, revoked, { keys });
      const alerts: AuditAlert[] = [];
      const controller = new AbortController();
      const following = followAuditLog(home.dir, { rules: resolveWatchRules(), keys, onAlert: (a) => alerts.push(a), signal: controller.signal, pollMs: 50 });
      await new Promise((r) => setTimeout(r, 200));
      expect(alerts).toEqual([]);
      await appendAuditEvent(home.dir, revoked, { keys });
      for (let i = 0; i < 100 && alerts.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(alerts).toMatchObject([{ rule: 'revoked-token', seq: 1 }]);
      controller.abort();
      await following;
    } finally {
      home.cleanup();
    }
  });
});
