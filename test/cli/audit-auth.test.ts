import { afterAll, describe, expect, it, vi } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { base32Decode, totp } from '../../src/core/auth/otp.js';
import { cleanupShadow, runCircle, tempHome, type RunResult } from './auth-harness.js';

/**
 * Issue 4: every mutating command of the auth and keys topics, run through the
 * CLI, leaves its expected entry (action, actor, target, outcome); the watch
 * rules fire on the real events; and the log verifies afterwards. One home, in
 * order, so the run stays short.
 */

vi.setConfig({ testTimeout: 300_000 });
// Cheap Argon2id for the many password derivations (the defaults are covered by the kdf tests).
const env = { CIRCLE_ARGON2_MEMORY_KIB: '4096', CIRCLE_ARGON2_TIME_COST: '1' };
const PASSWORD = 'correct horse battery staple 1';
const NEW_PASSWORD = 'an even longer new passphrase 2';
const home = tempHome();
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  cleanupShadow();
});

async function circle(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return runCircle(home, args, { ...options, env: { ...env, ...options.env } });
}

async function ok(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const r = await circle(args, options);
  expect(r.code, `circle ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

interface Entry {
  seq: number;
  action: string;
  outcome: string;
  target?: string;
  reason?: string;
  actor: { type: string; id: string };
  details?: unknown;
}

describe('auth and keys commands are audited', () => {
  it('each mutating command leaves its entry, the watch rules fire, and the log verifies', async () => {
    await ok(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${PASSWORD}\n` });
    expect((await circle(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: 'not the password\n' })).code).toBe(3);
    await ok(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` });
    // Config changes are recorded too, with the logged-in user as actor; lower thresholds for the lockout below.
    await ok(['config', 'set', 'auth.lockout.maxAttempts', '3']);
    await ok(['config', 'set', 'audit.rules.failedLogins.threshold', '3']);
    await ok(['config', 'unset', 'auth.token.defaultExpiryDays']);
    // The smallest segment size: the commands below must rotate the log (audit.* settings reach the sink).
    await ok(['config', 'set', 'audit.segmentMaxBytes', '4096']);

    await ok(['auth', 'users', 'add', 'bob', '--role', 'viewer', '--password-stdin'], { input: 'another long password 22\n' });
    await ok(['auth', 'users', 'role', 'bob', 'developer']);
    await ok(['auth', 'users', 'lock', 'bob']);
    await ok(['auth', 'users', 'unlock', 'bob']);

    const begin = JSON.parse((await ok(['auth', 'mfa', 'enable', '--json'])).stdout) as { otpauthUri: string };
    const secret = base32Decode(new URL(begin.otpauthUri).searchParams.get('secret')!);
    await ok(['auth', 'mfa', 'enable', '--code', totp(secret, Math.floor(Date.now() / 1000)), '--json']);
    await ok(['auth', 'mfa', 'recovery-codes', '--json']);
    await ok(['auth', 'mfa', 'disable', '--yes']);
    await ok(['auth', 'passwd', '--password-stdin'], { input: `${PASSWORD}\n${NEW_PASSWORD}\n` });

    const created = JSON.parse((await ok(['auth', 'token', 'create', '--name', 'ci1', '--json'])).stdout) as { id: string; token: string };
    await ok(['auth', 'token', 'revoke', created.id]);
    expect((await circle(['auth', 'whoami'], { env: { CIRCLE_TOKEN: created.token } })).code).toBe(3);

    await ok(['keys', 'rotate']);
    await ok(['auth', 'users', 'remove', 'bob', '--yes']);
    // Signing a checkpoint unlocks through the session and uses the signing key from the vault.
    await ok(['audit', 'checkpoint', '--json']);
    await ok(['auth', 'logout']);
    // Not logged in: a config change is still recorded, with the OS user as a system actor.
    await ok(['config', 'set', 'lock.timeoutMs', '20000']);
    // Three wrong passwords: with auth.lockout.maxAttempts = 3 the third locks the account.
    for (let i = 0; i < 3; i++) expect((await circle(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: 'still not it\n' })).code).toBe(3);

    const entries = (JSON.parse((await ok(['audit', 'log', '--limit', '1000', '--json'])).stdout) as { entries: Entry[] }).entries;
    const alice = { type: 'user', id: 'alice' };
    const expectEntry = (action: string, match: Partial<Entry>) => {
      const found = entries.filter((e) => e.action === action);
      expect(found, `no ${action} entry in ${entries.map((e) => e.action).join(', ')}`).toEqual(expect.arrayContaining([expect.objectContaining(match)]));
    };
    expectEntry('auth.init', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('auth.login', { actor: alice, target: 'alice', outcome: 'failure', reason: 'bad-password' });
    expectEntry('auth.login', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('auth.session.create', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('config.set', { actor: alice, target: 'auth.lockout.maxAttempts', outcome: 'success' });
    expectEntry('config.set', { actor: alice, target: 'audit.rules.failedLogins.threshold', outcome: 'success' });
    expectEntry('config.unset', { actor: alice, target: 'auth.token.defaultExpiryDays', outcome: 'success' });
    expectEntry('auth.users.add', { actor: alice, target: 'bob', outcome: 'success' });
    expectEntry('auth.users.role', { actor: alice, target: 'bob', outcome: 'success' });
    expectEntry('auth.users.lock', { actor: alice, target: 'bob', outcome: 'success' });
    expectEntry('auth.users.unlock', { actor: alice, target: 'bob', outcome: 'success' });
    expectEntry('auth.mfa.enable', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('auth.mfa.recovery-codes', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('auth.mfa.disable', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('auth.passwd', { target: 'alice', outcome: 'success' });
    expectEntry('auth.token.create', { actor: alice, target: `token:${created.id}`, outcome: 'success' });
    expectEntry('auth.token.revoke', { actor: alice, target: `token:${created.id}`, outcome: 'success' });
    expectEntry('auth.token.use', { actor: { type: 'token', id: created.id }, target: `token:${created.id}`, outcome: 'denied', reason: 'revoked' });
    expectEntry('keys.rotate', { actor: alice, target: 'k2', outcome: 'success' });
    expectEntry('auth.users.remove', { actor: alice, target: 'bob', outcome: 'success' });
    expectEntry('auth.logout', { actor: alice, target: 'alice', outcome: 'success' });
    expectEntry('auth.lockout', { target: 'alice', reason: 'locked' });
    expect(entries.find((e) => e.action === 'config.set' && e.target === 'lock.timeoutMs')?.actor).toMatchObject({ type: 'system', id: userInfo().username });
    // Nothing sensitive in clear: details are sealed, and no password or token appears anywhere.
    const raw = (await ok(['audit', 'export'])).stdout;
    for (const secretText of [PASSWORD, NEW_PASSWORD, created.token, 'another long password 22']) expect(raw).not.toContain(secretText);
    expect(entries.find((e) => e.action === 'config.set')?.details).toMatchObject({ alg: 'X25519-HKDF-SHA256-A256GCM' });
    expect(raw).not.toMatch(/"value":/);
    // In the order the commands ran.
    const order = ['auth.init', 'config.set', 'auth.users.add', 'auth.mfa.enable', 'auth.passwd', 'auth.token.revoke', 'auth.token.use', 'keys.rotate', 'auth.users.remove', 'auth.logout', 'auth.lockout'].map((a) =>
      entries.findIndex((e) => e.action === a),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // The default watch rules fire on these real events.
    const watch = await circle(['audit', 'watch', '--once', '--json']);
    expect(watch.code, watch.stderr).toBe(1);
    const alerts = (JSON.parse(watch.stdout) as { alerts: { rule: string; subject?: string }[] }).alerts;
    expect(alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'revoked-token', subject: `token:${created.id}` }),
        expect.objectContaining({ rule: 'failed-logins', subject: 'alice' }),
      ]),
    );
    const text = await circle(['audit', 'watch', '--once']);
    expect(text.stdout).toMatch(/ALERT \S+ revoked-token #\d+: Use of revoked token token:/);

    // The whole log, and the checkpoint signed with the vault-held key, verify with no key.
    const verify = JSON.parse((await ok(['audit', 'verify', '--json'])).stdout) as { ok: boolean; size: number; checkpointsChecked: number };
    expect(verify).toMatchObject({ ok: true });
    expect(verify.size).toBe(raw.trim().split('\n').length);
    expect(verify.checkpointsChecked).toBeGreaterThan(0);
    expect(readdirSync(join(home, 'audit', 'segments')).length).toBeGreaterThan(1);
  });
});
