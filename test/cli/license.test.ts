import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { homeLastSeenPath } from '../../src/core/license/home-state.js';
import { defaultLastSeenKey, parsePublicKey, writeLastSeen } from '../../src/core/license/index.js';
import { runCircle, tempHome, type RunResult } from './auth-harness.js';

/**
 * Issue 17 end to end through the built CLI, in one temp home: keygen → issue →
 * verify → revoke → verify fails; plus inspect, list, fingerprint, the Keygen
 * vectors, --now, a wound-back clock and a usage error.
 */
// Each command is a fresh process; on a loaded machine one can take several seconds.
vi.setConfig({ testTimeout: 600_000 });
const env = { CIRCLE_ARGON2_MEMORY_KIB: '4096', CIRCLE_ARGON2_TIME_COST: '1' };
const PASSWORD = 'correct horse battery staple 1';
const home = tempHome();
afterAll(() => rmSync(home, { recursive: true, force: true }));
const file = (name: string) => join(home, name);

async function circle(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return runCircle(join(home, 'h'), args, { ...options, env: { ...env, ...options.env } });
}
async function ok(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const r = await circle(args, options);
  expect(r.code, `circle ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}
const json = <T>(r: RunResult): T => JSON.parse(r.stdout) as T;

describe('circle license', () => {
  it('keygen → issue → verify → revoke → verify fails, with the ledger and the audit log', async () => {
    await ok(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${PASSWORD}\n` });
    await ok(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` });

    const keygen = json<{ key: { publicKey: string; pem: string; kid: string } }>(await ok(['license', 'keygen', '--name', 'rocket', '--json']));
    expect((await circle(['license', 'keygen', '--name', 'rocket'])).code).toBe(6);
    const exported = (await ok(['license', 'keys', 'export', '--format', 'pem'])).stdout;
    expect(exported.trim()).toBe(keygen.key.pem.trim());
    writeFileSync(file('rocket.pub.pem'), exported);
    expect((await ok(['license', 'keys', 'list'])).stdout).toContain(keygen.key.publicKey);

    const issued = await ok(['license', 'issue', '--licensee', 'Acme Ltd', '--product', 'rocket', '--entitlement', 'pro', '--entitlement', 'sso', '--meta', 'order=42', '--expires', '30d', '--grace', '7d', '--seats', '5', '-o', file('acme.lic')]);
    expect(issued.stdout).toBe('');
    const text = readFileSync(file('acme.lic'), 'utf8');
    expect(text).toMatch(/^-----BEGIN CIRCLE LICENSE-----\n[A-Za-z0-9+/=\n]+-----END CIRCLE LICENSE-----\n$/);

    const verified = await ok(['license', 'verify', file('acme.lic'), '--public-key', file('rocket.pub.pem'), '--json']);
    const result = json<{ valid: boolean; reason: string; entitlements: string[]; license: { serial: string; seats: number } }>(verified);
    expect(result).toMatchObject({ valid: true, reason: 'valid', entitlements: ['pro', 'sso'], license: { seats: 5 } });
    const serial = result.license.serial;

    // In the grace period (--now: would it be valid then?), and past it; the raw base64 key works as well as the PEM file.
    const inGrace = await ok(['license', 'verify', file('acme.lic'), '--public-key', keygen.key.publicKey, '--now', new Date(Date.now() + 33 * 86_400_000).toISOString().slice(0, 10)]);
    expect(inGrace.stdout).toMatch(/^valid \(in-grace\)/);
    expect(inGrace.stderr).toMatch(/day\(s\) left/);
    const late = await circle(['license', 'verify', file('acme.lic'), '--public-key', keygen.key.publicKey, '--now', new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10), '--json']);
    expect([late.code, json<{ reason: string }>(late).reason]).toEqual([1, 'expired']);

    // Signed by another key.
    await ok(['license', 'keygen', '--name', 'comet']);
    await ok(['license', 'issue', '--licensee', 'Acme Ltd', '--product', 'comet', '-o', file('comet.lic')]);
    const wrongKey = await circle(['license', 'verify', file('comet.lic'), '--public-key', file('rocket.pub.pem')]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/^INVALID \(wrong-key\)/);

    // Tampered: one character of the body changed.
    const lines = text.split('\n');
    const swapped = lines[2]![5] === 'A' ? 'B' : 'A';
    lines[2] = `${lines[2]!.slice(0, 5)}${swapped}${lines[2]!.slice(6)}`;
    writeFileSync(file('tampered.lic'), lines.join('\n'));
    const tampered = await circle(['license', 'verify', file('tampered.lic'), '--public-key', file('rocket.pub.pem'), '--json']);
    expect(tampered.code).toBe(1);
    expect(['tampered', 'malformed', 'wrong-key']).toContain(json<{ reason: string }>(tampered).reason);

    const inspected = await ok(['license', 'inspect', file('acme.lic')]);
    expect(inspected.stderr).toContain('UNVERIFIED');
    expect(inspected.stdout).toContain('"licensee": "Acme Ltd"');

    await ok(['license', 'revoke', serial, '--reason', 'refund']);
    // Two keys now: the list is per key, so it must be named.
    expect((await circle(['license', 'revocations', 'export'])).code).toBe(2);
    await ok(['license', 'revocations', 'export', '--key', 'rocket', '--valid-for', '7d', '-o', file('revocations.txt')]);
    const revoked = await circle(['license', 'verify', file('acme.lic'), '--public-key', file('rocket.pub.pem'), '--revocations', file('revocations.txt')]);
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toMatch(/^INVALID \(revoked\)/);
    // The same list given as a file:// URL.
    expect((await circle(['license', 'verify', file('acme.lic'), '--public-key', file('rocket.pub.pem'), '--revocations', `file://${file('revocations.txt')}`])).stdout).toMatch(/^INVALID \(revoked\)/);

    const list = json<{ licenses: { serial: string; revoked?: { reason?: string } }[] }>(await ok(['license', 'list', '--json']));
    expect(list.licenses.find((l) => l.serial === serial)?.revoked?.reason).toBe('refund');

    const log = (await ok(['audit', 'log', '--json'])).stdout;
    for (const action of ['license.keygen', 'license.issue', 'license.revoke', 'license.revocations.export']) expect(log).toContain(`"${action}"`);
  });

  it('a stale revocation list fails in enforce mode and warns in advisory mode', async () => {
    const pub = file('rocket.pub.pem');
    const later = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
    await ok(['license', 'issue', '--licensee', 'Late Co', '--product', 'rocket', '-o', file('late.lic')]);
    const enforce = await circle(['license', 'verify', file('late.lic'), '--public-key', pub, '--revocations', file('revocations.txt'), '--now', later, '--json']);
    expect(enforce.code).toBe(1);
    expect(json<{ reason: string }>(enforce).reason).toBe('revocation-list-invalid');
    const advisory = await ok(['license', 'verify', file('late.lic'), '--public-key', pub, '--revocations', file('revocations.txt'), '--now', later, '--mode', 'advisory']);
    expect(advisory.stderr).toMatch(/revocation list expired/);
  });

  it('a clock wound back below the last-seen time is caught; --now does not move that state', async () => {
    const pub = readFileSync(file('rocket.pub.pem'), 'utf8');
    const key = parsePublicKey(pub)!;
    const state = homeLastSeenPath(join(home, 'h'), key.kid);
    const before = readFileSync(state, 'utf8');
    await ok(['license', 'verify', file('late.lic'), '--public-key', pub, '--now', '2099-01-01']);
    expect(readFileSync(state, 'utf8')).toBe(before);
    // As if this machine had already seen a date ten days ahead.
    writeLastSeen(state, defaultLastSeenKey(key.raw), Date.now() + 10 * 86_400_000);
    const back = await circle(['license', 'verify', file('late.lic'), '--public-key', pub, '--json']);
    expect(back.code).toBe(1);
    expect(json<{ reason: string; clock: string }>(back)).toMatchObject({ reason: 'clock-rolled-back', clock: 'before-last-seen' });
    rmSync(state);
  });

  it('node-locked licenses, fingerprint, Keygen vectors and usage errors', async () => {
    const fp = json<{ fingerprint: string; source: string }>(await ok(['license', 'fingerprint', '--json']));
    expect(fp.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await ok(['license', 'fingerprint'])).stdout.trim()).toBe(fp.fingerprint);
    await ok(['license', 'issue', '--licensee', 'Desk', '--product', 'rocket', '--machine', fp.fingerprint, '-o', file('desk.lic')]);
    await ok(['license', 'verify', file('desk.lic'), '--public-key', file('rocket.pub.pem')]);
    const elsewhere = await circle(['license', 'verify', file('desk.lic'), '--public-key', file('rocket.pub.pem'), '--machine', '0'.repeat(64)]);
    expect(elsewhere.stdout).toMatch(/^INVALID \(wrong-machine\)/);

    const keygenKey = '775e65407f3d86de55efbac47d1bbeab79768a21a406e39976606a704984e7d1';
    const licenseKey = { CIRCLE_LICENSE_KEY: 'TEST-116A58-3F79F9-9F1982-9D63B1-V3' };
    const vectors = join(import.meta.dirname, '../fixtures/license/keygen');
    const valid = await ok(['license', 'verify', join(vectors, 'valid.lic'), '--public-key', keygenKey, '--json'], { env: licenseKey });
    expect(json<{ reason: string; entitlements: string[] }>(valid)).toMatchObject({ reason: 'valid', entitlements: ['Permissions', 'EVENT_LOGS', 'REQUEST_LOGS'] });
    expect(valid.stdout).not.toContain(licenseKey.CIRCLE_LICENSE_KEY);
    const expired = await circle(['license', 'verify', join(vectors, 'expired.lic'), '--public-key', keygenKey, '--json'], { env: licenseKey });
    expect([expired.code, json<{ reason: string }>(expired).reason]).toEqual([1, 'expired']);
    const tampered = await circle(['license', 'verify', join(vectors, 'tampered.lic'), '--public-key', keygenKey, '--json'], { env: licenseKey });
    expect([tampered.code, json<{ reason: string }>(tampered).reason]).toEqual([1, 'tampered']);

    expect((await circle(['license', 'issue', '--licensee', 'x', '--product', 'rocket', '--expires', 'soon'])).code).toBe(2);
    expect((await circle(['license', 'verify', file('missing.lic'), '--public-key', keygenKey])).code).toBe(4);
    expect((await circle(['license', 'verify', file('acme.lic'), '--public-key', 'not-a-key'])).code).toBe(2);
    expect((await circle(['license', 'revoke', 'f'.repeat(20)])).code).toBe(4);
  });
});
