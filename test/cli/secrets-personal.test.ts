import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circle } from '../fixtures/secrets/cli.js';

const base = mkdtempSync(join(tmpdir(), 'circle-secrets-personal-'));
const home = join(base, 'home');
const outside = join(base, 'outside');
const project = join(base, 'project');
const password = 'correct-horse-battery-9';
const run = (args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) =>
  circle(args, { cwd: options.cwd ?? outside, home, ...(options.input === undefined ? {} : { input: options.input }), ...(options.env ? { env: options.env } : {}) });

beforeAll(() => {
  mkdirSync(outside);
  mkdirSync(join(project, '.circle'), { recursive: true });
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('personal vault scope', () => {
  it('needs a login', () => {
    expect(run(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${password}\n` }).status).toBe(0);
    expect(run(['secrets', 'list']).status).toBe(3);
    const login = run(['auth', 'login', '-u', 'alice', '--password-stdin'], { input: `${password}\n` });
    expect(login.status, login.stderr).toBe(0);
  });

  it('set, get, list, history, rollback, run and rm outside a project', () => {
    expect(run(['secrets', 'set', 'MY_TOKEN', '--env', 'dev'], { input: 'first-value' }).status).toBe(0);
    expect(run(['secrets', 'set', 'MY_TOKEN', '--env', 'dev'], { input: 'second-value' }).status).toBe(0);
    expect(run(['secrets', 'get', 'MY_TOKEN', '--env', 'dev']).stdout).toBe('second-value\n');
    const list = run(['secrets', 'list', '--env', 'dev', '--json']);
    expect(list.stdout).not.toContain('second-value');
    expect(JSON.parse(list.stdout).secrets[0]).toMatchObject({ name: 'MY_TOKEN', version: 2, updatedBy: 'alice' });
    expect(JSON.parse(run(['secrets', 'history', 'MY_TOKEN', '--env', 'dev', '--json']).stdout).versions).toHaveLength(2);
    expect(run(['secrets', 'rollback', 'MY_TOKEN', '--to', '1', '--env', 'dev']).status).toBe(0);
    const r = run(['secrets', 'run', '--env', 'dev', '--', process.execPath, '-e', 'process.exit(process.env.MY_TOKEN === "first-value" ? 9 : 1)']);
    expect(r.status, r.stderr).toBe(9);
    const file = join(home, 'secrets/dev.json');
    expect(readFileSync(file, 'utf8')).not.toContain('first-value');
    expect(run(['secrets', 'rm', 'MY_TOKEN', '--env', 'dev']).status).toBe(0);
    expect(run(['secrets', 'get', 'MY_TOKEN', '--env', 'dev']).status).toBe(4);
  });

  it('refuses names every JavaScript object has (exit 2), which used to end in an internal error', () => {
    for (const name of ['constructor', '__proto__', 'hasOwnProperty']) {
      const set = run(['secrets', 'set', name, '--env', 'dev'], { input: 'x' });
      expect(set.status, set.stderr).toBe(2);
      expect(set.stderr).toMatch(/reserved/);
      expect(run(['secrets', 'get', name, '--env', 'dev']).status).toBe(2);
    }
    expect(run(['secrets', 'set', 'CONSTRUCTOR', '--env', 'dev'], { input: 'upper case is fine' }).status).toBe(0);
    expect(run(['secrets', 'get', 'CONSTRUCTOR', '--env', 'dev']).stdout).toBe('upper case is fine\n');
  });

  it('edited metadata or a moved record fails with exit 5', () => {
    run(['secrets', 'set', 'A', '--env', 'dev'], { input: 'a' });
    run(['secrets', 'set', 'B', '--env', 'dev'], { input: 'b' });
    const file = join(home, 'secrets/dev.json');
    const original = readFileSync(file, 'utf8');
    const doc = JSON.parse(original);
    doc.data.secrets.A[0].by = 'mallory';
    writeFileSync(file, JSON.stringify(doc));
    expect(run(['secrets', 'get', 'A', '--env', 'dev']).status).toBe(5);
    const doc2 = JSON.parse(original);
    doc2.data.secrets.A = doc2.data.secrets.B;
    writeFileSync(file, JSON.stringify(doc2));
    expect(run(['secrets', 'get', 'A', '--env', 'dev']).status).toBe(5);
    writeFileSync(file, original);
  });

  it('a malformed record fails the commands that use it (exit 5), and no write touches the file', () => {
    const file = join(home, 'secrets/dev.json');
    const original = readFileSync(file, 'utf8');
    const doc = JSON.parse(original);
    doc.data.secrets.B[0].record.iv = 'not base64!';
    const damaged = JSON.stringify(doc);
    writeFileSync(file, damaged);
    // `get` and `history` of another secret validate only that secret's versions.
    expect(run(['secrets', 'get', 'A', '--env', 'dev']).stdout).toBe('a\n');
    expect(run(['secrets', 'history', 'A', '--env', 'dev']).status).toBe(0);
    const getB = run(['secrets', 'get', 'B', '--env', 'dev']);
    expect(getB.status).toBe(5);
    expect(getB.stderr).toMatch(/secrets\.B\.0\.record\.iv/);
    expect(run(['secrets', 'list', '--env', 'dev']).status).toBe(5);
    expect(run(['secrets', 'set', 'C', '--env', 'dev'], { input: 'c' }).status).toBe(5);
    expect(readFileSync(file, 'utf8')).toBe(damaged);
    writeFileSync(file, original);
  });

  it("inside a project, the logged-in user's vault key opens the project secrets", () => {
    expect(run(['secrets', 'set', 'TEAM', '--env', 'staging'], { cwd: project, input: 'shared' }).status).toBe(0);
    expect(run(['secrets', 'get', 'TEAM', '--env', 'staging'], { cwd: project }).stdout).toBe('shared\n');
    const recipients = JSON.parse(run(['secrets', 'recipients', 'list', '--env', 'staging', '--json'], { cwd: project }).stdout).recipients;
    expect(recipients.map((x: { label: string }) => x.label)).toEqual(['alice']);
    expect(run(['secrets', 'get', 'TEAM', '--env', 'staging', '--personal'], { cwd: project }).status).toBe(4);
  });
});
