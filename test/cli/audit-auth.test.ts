import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The auth topic's commands, run through the CLI, leave the expected audit entries in a log that verifies. */

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const bin = process.env.CIRCLE_TEST_BIN ?? join(repoRoot, 'bin/run.js');
const home = mkdtempSync(join(tmpdir(), 'circle-audit-auth-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const PASSWORD = 'correct horse battery staple 1';

function circle(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, CIRCLE_HOME: home, CI: 'true', NO_COLOR: '1', ...options.env };
  if (!options.env?.CIRCLE_TOKEN) delete env.CIRCLE_TOKEN;
  delete env.CIRCLE_SESSION;
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', ...(options.input === undefined ? {} : { input: options.input }) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectExit(r: ReturnType<typeof circle>, code: number): void {
  expect(r.code, r.stderr).toBe(code);
}

interface Entry {
  seq: number;
  action: string;
  outcome: string;
  target?: string;
  actor: { type: string; id: string };
}

describe('auth commands are audited', () => {
  it('init, failed and good logins, tokens, users and logout each leave their entries', () => {
    expectExit(circle(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${PASSWORD}\n` }), 0);
    expectExit(circle(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: 'not the password\n' }), 3);
    expectExit(circle(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` }), 0);
    const created = circle(['auth', 'token', 'create', '--name', 'ci1', '--json']);
    expect(created.code).toBe(0);
    const token = (JSON.parse(created.stdout) as { id: string; token: string });
    expectExit(circle(['auth', 'users', 'add', 'bob', '--role', 'viewer', '--password-stdin'], { input: 'another long password 22\n' }), 0);
    expectExit(circle(['auth', 'token', 'revoke', token.id]), 0);
    expectExit(circle(['auth', 'whoami'], { env: { CIRCLE_TOKEN: token.token } }), 3);
    expectExit(circle(['auth', 'logout']), 0);

    const log = circle(['audit', 'log', '--json']);
    expect(log.code).toBe(0);
    const entries = (JSON.parse(log.stdout) as { entries: Entry[] }).entries;
    const seen = entries.map((e) => `${e.action}:${e.outcome}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'auth.init:success',
        'auth.login:failure',
        'auth.login:success',
        'auth.session.create:success',
        'auth.token.create:success',
        'auth.users.add:success',
        'auth.token.revoke:success',
        'auth.token.use:denied',
        'auth.logout:success',
      ]),
    );
    // In the order the commands ran.
    const order = ['auth.init', 'auth.token.create', 'auth.users.add', 'auth.token.revoke', 'auth.token.use', 'auth.logout'].map((a) => seen.findIndex((s) => s.startsWith(`${a}:`)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(entries.find((e) => e.action === 'auth.login' && e.outcome === 'failure')?.target).toBe('alice');
    expect(entries.find((e) => e.action === 'auth.users.add')?.target).toBe('bob');

    const verify = circle(['audit', 'verify', '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, size: entries.length });
  });
});
