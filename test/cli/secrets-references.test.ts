import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circle } from '../fixtures/secrets/cli.js';

/**
 * The three last pieces of `circle secrets`: `secret://` references resolved by
 * `secrets run`, `keys rotate --reencrypt` re-wrapping personal secrets, and a
 * machine token (CIRCLE_TOKEN) as a project recipient.
 */
const base = mkdtempSync(join(tmpdir(), 'circle-secrets-refs-'));
const home = join(base, 'home');
const ciHome = join(base, 'ci-home');
const outside = join(base, 'outside');
const project = join(base, 'project');
const password = 'correct-horse-battery-9';
const cheap = { CIRCLE_ARGON2_MEMORY_KIB: '1024', CIRCLE_ARGON2_TIME_COST: '1', CIRCLE_TOKEN: '', CIRCLE_SESSION: '', CIRCLE_ENV: '' };
const run = (args: string[], options: { cwd?: string; input?: string; env?: Record<string, string>; home?: string } = {}) =>
  circle(args, { cwd: options.cwd ?? project, home: options.home ?? home, env: { ...cheap, ...options.env }, ...(options.input === undefined ? {} : { input: options.input }) });
/** A child that exits 9 when `check` (a JS expression over process.env) holds, else 1. */
const child = (check: string) => [process.execPath, '-e', `process.exit((${check}) ? 9 : 1)`];

beforeAll(() => {
  mkdirSync(outside);
  mkdirSync(join(project, '.circle'), { recursive: true });
  mkdirSync(ciHome, { mode: 0o700 });
  expect(run(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${password}\n` }).status).toBe(0);
  const login = run(['auth', 'login', '-u', 'alice', '--password-stdin'], { input: `${password}\n` });
  expect(login.status, login.stderr).toBe(0);
  expect(run(['secrets', 'set', 'DB_URL', '--env', 'dev'], { input: 'postgres://dev-db' }).status).toBe(0);
  expect(run(['secrets', 'set', 'API_KEY', '--env', 'dev'], { input: 'dev-api-key' }).status).toBe(0);
  expect(run(['secrets', 'set', 'DB_PASSWORD', '--env', 'production'], { input: 'prod-pw-123' }).status).toBe(0);
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('secret:// references in secrets run', () => {
  it('replaces variables set to secret://NAME and secret://ENV/NAME in the child only', () => {
    const r = run(['secrets', 'run', '--env', 'dev', '--only', 'API_KEY', '--json', '--', ...child('process.env.DATABASE_URL === "postgres://dev-db" && process.env.PW === "prod-pw-123" && process.env.API_KEY === "dev-api-key" && process.env.PLAIN === "secret-ish but not a ref"')], {
      env: { DATABASE_URL: 'secret://DB_URL', PW: 'secret://production/DB_PASSWORD', PLAIN: 'secret-ish but not a ref' },
    });
    expect(r.status, r.stderr).toBe(9);
    const out = JSON.parse(r.stdout);
    expect(out.references).toEqual([
      { variable: 'DATABASE_URL', reference: 'secret://DB_URL' },
      { variable: 'PW', reference: 'secret://production/DB_PASSWORD' },
    ]);
    expect(r.stdout + r.stderr).not.toMatch(/dev-db|prod-pw|dev-api-key/);
  });

  it('an unknown name fails with exit 4 naming the reference; the command never starts', () => {
    const marker = join(base, 'ran');
    const r = run(['secrets', 'run', '--env', 'dev', '--', process.execPath, '-e', `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`], {
      env: { DATABASE_URL: 'secret://DB_URL', OTHER: 'secret://NO_SUCH_SECRET' },
    });
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('secret://NO_SUCH_SECRET');
    expect(r.stderr).toContain('OTHER');
    expect(r.stdout + r.stderr).not.toContain('dev-db');
    expect(existsSync(marker)).toBe(false);
  });

  it('a malformed reference is a usage error (exit 2); an environment without secrets is exit 4', () => {
    expect(run(['secrets', 'run', '--env', 'dev', '--', ...child('true')], { env: { X: 'secret://not a name' } }).status).toBe(2);
    const r = run(['secrets', 'run', '--env', 'dev', '--', ...child('true')], { env: { X: 'secret://staging/DB_URL' } });
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('secret://staging/DB_URL');
  });
});

describe('keys rotate --reencrypt re-wraps personal secrets', () => {
  it('every version is sealed under the new key id and still reads', () => {
    const at = { cwd: outside };
    expect(run(['secrets', 'set', 'MINE', '--env', 'dev'], { ...at, input: 'v1' }).status).toBe(0);
    expect(run(['secrets', 'set', 'MINE', '--env', 'dev'], { ...at, input: 'v2' }).status).toBe(0);
    expect(run(['secrets', 'set', 'OTHER', '--env', 'qa'], { ...at, input: 'q' }).status).toBe(0);
    const kids = () => {
      const out: string[] = [];
      for (const env of ['dev', 'qa']) {
        const doc = JSON.parse(readFileSync(join(home, 'secrets', `${env}.json`), 'utf8'));
        for (const versions of Object.values(doc.data.secrets) as { record: { kid: string; dek: { kid: string } } }[][]) for (const v of versions) out.push(v.record.kid, v.record.dek.kid);
      }
      return [...new Set(out)];
    };
    const previous = kids();
    expect(previous).toHaveLength(1);
    const r = run(['keys', 'rotate', '--reencrypt', '--json'], at);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.active).not.toBe(previous[0]);
    expect(result.reencrypted).toContainEqual({ store: 'personal-secrets', records: 3 });
    expect(kids()).toEqual([result.active]);
    expect(run(['secrets', 'get', 'MINE', '--env', 'dev'], at).stdout).toBe('v2\n');
    expect(run(['secrets', 'get', 'MINE', '--env', 'dev', '--version', '1'], at).stdout).toBe('v1\n');
    expect(run(['secrets', 'get', 'OTHER', '--env', 'qa'], at).stdout).toBe('q\n');
  });
});

describe('a machine token reads project secrets with CIRCLE_TOKEN alone', () => {
  let token = '';
  it('an admin adds the token as a recipient of the production file', () => {
    const created = run(['auth', 'token', 'create', '--name', 'gha', '--role', 'ci', '--json']);
    expect(created.status, created.stderr).toBe(0);
    token = JSON.parse(created.stdout).token;
    const add = run(['secrets', 'recipients', 'add', '--token', 'gha', '--env', 'production', '--json']);
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ label: 'gha', env: 'production', recipient: expect.stringMatching(/^age1/) });
    const list = JSON.parse(run(['secrets', 'recipients', 'list', '--env', 'production', '--json']).stdout);
    expect(list.recipients.map((x: { label: string; kind: string }) => `${x.label}:${x.kind}`)).toEqual(['alice:member', 'gha:ci']);
    expect(run(['secrets', 'recipients', 'add', 'other', 'age1xyz', '--token', 'gha', '--env', 'production']).status).toBe(2);
    expect(run(['secrets', 'recipients', 'add', 'other', '--env', 'production']).status).toBe(2);
    // Adding the same token again is a conflict (its key is already a recipient).
    expect(run(['secrets', 'recipients', 'add', 'again', '--token', 'gha', '--env', 'production']).status).toBe(6);
    expect(run(['secrets', 'recipients', 'add', '--token', 'nope', '--env', 'production']).status).toBe(4);
  });

  it('CI with only CIRCLE_TOKEN and a home holding a copy of vault.json gets and runs, no prompt', () => {
    copyFileSync(join(home, 'vault.json'), join(ciHome, 'vault.json'));
    const ci = { home: ciHome, env: { CIRCLE_TOKEN: token } };
    const get = run(['secrets', 'get', 'DB_PASSWORD', '--env', 'production'], ci);
    expect(get.status, get.stderr).toBe(0);
    expect(get.stdout).toBe('prod-pw-123\n');
    const r = run(['secrets', 'run', '--env', 'production', '--', ...child('process.env.DB_PASSWORD === "prod-pw-123"')], ci);
    expect(r.status, r.stderr).toBe(9);
    // The token was not added to dev: it cannot read it, and a ci token cannot write.
    expect(run(['secrets', 'get', 'DB_URL', '--env', 'dev'], ci).status).toBe(3);
    expect(run(['secrets', 'set', 'X', '--env', 'production'], { ...ci, input: 'x' }).status).toBe(3);
    // Without the token there is no key at all.
    expect(run(['secrets', 'get', 'DB_PASSWORD', '--env', 'production'], { home: ciHome }).status).toBe(3);
  });

  it('a revoked token opens nothing', () => {
    expect(run(['auth', 'token', 'revoke', 'gha']).status).toBe(0);
    expect(run(['secrets', 'get', 'DB_PASSWORD', '--env', 'production'], { env: { CIRCLE_TOKEN: token } }).status).toBe(3);
  });
});
