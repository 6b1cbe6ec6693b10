import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateX25519KeyPair } from '../../src/core/age/x25519.js';
import { circle, circleAsync, circleBin, hasCommand, repoRoot } from '../fixtures/secrets/cli.js';

const base = mkdtempSync(join(tmpdir(), 'circle-secrets-cli-'));
const project = join(base, 'project');
const homes = { alice: join(base, 'home-alice'), bob: join(base, 'home-bob'), ci: join(base, 'home-ci') };
const keys = { alice: generateX25519KeyPair(), bob: generateX25519KeyPair() };
const idFile = (who: 'alice' | 'bob') => join(homes[who], 'identity.txt');
const as = (who: 'alice' | 'bob', args: string[], input?: string) => circle([...args, '-i', idFile(who)], { cwd: project, home: homes[who], ...(input === undefined ? {} : { input }) });
let ciKey = '';
const asCi = (args: string[], extra: Record<string, string> = {}) => circle(args, { cwd: project, home: homes.ci, env: { CIRCLE_KEY_PRODUCTION: ciKey, ...extra } });
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: project, stdio: 'pipe' }).toString();
const envFile = () => join(project, '.circle/secrets/production.json');

beforeAll(() => {
  mkdirSync(join(project, '.circle'), { recursive: true });
  for (const who of ['alice', 'bob'] as const) {
    mkdirSync(homes[who], { mode: 0o700 });
    writeFileSync(idFile(who), `# ${who}\n${keys[who].identity}\n`, { mode: 0o600 });
  }
  mkdirSync(homes.ci, { mode: 0o700 });
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('project scope end to end: two users and a CI key', () => {
  it('alice creates the production secrets from stdin and a file; values never reach the output', () => {
    let r = as('alice', ['secrets', 'set', 'DATABASE_URL', '--env', 'production', '--label', 'alice'], 'postgres://u:pw@db/app\n');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('pw@db');
    writeFileSync(join(base, 'tls.pem'), 'line1\nline2\n');
    r = as('alice', ['secrets', 'set', 'TLS_KEY', '--env', 'production', '--from-file', join(base, 'tls.pem')]);
    expect(r.status, r.stderr).toBe(0);
    r = as('alice', ['secrets', 'set', 'MIDDLE_A=1', '--env', 'production']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/argv/);
    as('alice', ['secrets', 'set', 'MIDDLE_B', '--env', 'production'], '2');
    r = as('alice', ['secrets', 'get', 'DATABASE_URL', '--env', 'production']);
    expect(r.stdout).toBe('postgres://u:pw@db/app\n');
    expect(as('alice', ['secrets', 'get', 'TLS_KEY', '--env', 'production']).stdout).toBe('line1\nline2\n\n');
    r = as('alice', ['secrets', 'list', '--env', 'production', '--json']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('pw@db');
    expect(JSON.parse(r.stdout).secrets.map((s: { name: string }) => s.name)).toEqual(['DATABASE_URL', 'MIDDLE_A', 'MIDDLE_B', 'TLS_KEY']);
    expect(readFileSync(envFile(), 'utf8')).not.toContain('pw@db');
    expect(as('alice', ['secrets', 'export', '--env', 'production']).status).toBe(2);
  });

  it('bob cannot read until added; then he can', () => {
    expect(as('bob', ['secrets', 'get', 'DATABASE_URL', '--env', 'production']).status).toBe(3);
    const r = as('alice', ['secrets', 'recipients', 'add', 'bob', keys.bob.recipient, '--env', 'production']);
    expect(r.status, r.stderr).toBe(0);
    expect(as('bob', ['secrets', 'get', 'DATABASE_URL', '--env', 'production']).stdout).toBe('postgres://u:pw@db/app\n');
  });

  it('refuses names every JavaScript object has, for secrets and recipients (exit 2)', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const r = as('alice', ['secrets', 'set', name, '--env', 'production'], 'x');
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/reserved/);
      expect(as('alice', ['secrets', 'get', name, '--env', 'production']).status).toBe(2);
    }
    const r = as('alice', ['secrets', 'recipients', 'add', 'constructor', keys.bob.recipient, '--env', 'production']);
    expect(r.status, r.stderr).toBe(2);
    expect(readFileSync(envFile(), 'utf8')).not.toMatch(/constructor|__proto__|toString/);
  });

  it('a CI key is printed once and decrypts from CIRCLE_KEY_PRODUCTION alone', () => {
    const r = as('bob', ['secrets', 'ci-key', 'create', '--env', 'production']);
    expect(r.status, r.stderr).toBe(0);
    ciKey = r.stdout.trim();
    expect(ciKey).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    expect(readFileSync(envFile(), 'utf8')).not.toContain(ciKey);
    const get = asCi(['secrets', 'get', 'DATABASE_URL', '--env', 'production']);
    expect(get.status, get.stderr).toBe(0);
    expect(get.stdout).toBe('postgres://u:pw@db/app\n');
    const list = as('alice', ['secrets', 'recipients', 'list', '--env', 'production', '--json']);
    expect(JSON.parse(list.stdout).recipients.map((x: { label: string; kind: string }) => `${x.label}:${x.kind}`)).toEqual(['alice:member', 'bob:member', 'ci-production:ci']);
  });

  it('a git merge of changes to different names still decrypts', () => {
    if (!hasCommand('git')) {
      console.warn('[circle tests] git not found: merge test skipped');
      return;
    }
    git('init', '-q');
    git('add', '.circle');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'feature');
    expect(as('alice', ['secrets', 'set', 'DATABASE_URL', '--env', 'production'], 'postgres://new').status).toBe(0);
    git('commit', '-qam', 'alice changes DATABASE_URL');
    git('checkout', '-q', 'main');
    expect(asCi(['secrets', 'set', 'TLS_KEY', '--env', 'production'], {}).status).toBe(2); // CI cannot prompt and has no value
    const r = circle(['secrets', 'set', 'TLS_KEY', '--env', 'production'], { cwd: project, home: homes.ci, env: { CIRCLE_KEY_PRODUCTION: ciKey }, input: 'new-tls' });
    expect(r.status, r.stderr).toBe(0);
    git('commit', '-qam', 'ci changes TLS_KEY');
    git('merge', '-q', '--no-edit', 'feature');
    const merged = asCi(['secrets', 'export', '--env', 'production', '--format', 'json', '--reveal']);
    expect(merged.status, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ DATABASE_URL: 'postgres://new', TLS_KEY: 'new-tls', MIDDLE_A: '1' });
  });

  it('a removed member cannot read; the others still can', () => {
    const r = as('alice', ['secrets', 'recipients', 'remove', 'bob', '--env', 'production']);
    expect(r.status, r.stderr).toBe(0);
    expect(as('bob', ['secrets', 'get', 'DATABASE_URL', '--env', 'production']).status).toBe(3);
    expect(asCi(['secrets', 'get', 'MIDDLE_B', '--env', 'production']).stdout).toBe('2\n');
  });

  it('history, rollback and rotate --generate', () => {
    expect(JSON.parse(as('alice', ['secrets', 'history', 'DATABASE_URL', '--env', 'production', '--json']).stdout).versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(as('alice', ['secrets', 'rollback', 'DATABASE_URL', '--to', '1', '--env', 'production']).status).toBe(0);
    expect(as('alice', ['secrets', 'get', 'DATABASE_URL', '--env', 'production']).stdout).toBe('postgres://u:pw@db/app\n');
    const rot = as('alice', ['secrets', 'rotate', 'MIDDLE_A', '--generate', '--length', '48', '--alphabet', 'hex', '--env', 'production']);
    expect(rot.status, rot.stderr).toBe(0);
    expect(as('alice', ['secrets', 'get', 'MIDDLE_A', '--env', 'production']).stdout).toMatch(/^[0-9a-f]{48}\n$/);
    expect(as('alice', ['secrets', 'get', 'MIDDLE_A', '--env', 'production', '--version', '1']).stdout).toBe('1\n');
    expect(as('alice', ['secrets', 'rotate', 'NOPE', '--generate', '--env', 'production']).status).toBe(4);
  });

  it('a hand-edited recipient list or swapped values fail with exit 5', () => {
    const original = readFileSync(envFile(), 'utf8');
    const doc = JSON.parse(original);
    doc.recipients.mallory = { ...doc.recipients.alice, key: generateX25519KeyPair().recipient };
    writeFileSync(envFile(), JSON.stringify(doc));
    expect(as('alice', ['secrets', 'get', 'MIDDLE_B', '--env', 'production']).status).toBe(5);
    const doc2 = JSON.parse(original);
    [doc2.secrets.MIDDLE_A, doc2.secrets.MIDDLE_B] = [doc2.secrets.MIDDLE_B, doc2.secrets.MIDDLE_A];
    writeFileSync(envFile(), JSON.stringify(doc2));
    const r = asCi(['secrets', 'list', '--env', 'production']);
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/does not verify/);
    writeFileSync(envFile(), original);
  });
});

describe('import and export', () => {
  it('import --from-dotenv gives what dotenv.parse gives, deletes the source, and exports round-trip', () => {
    const fixture = readFileSync(join(repoRoot, 'test/fixtures/secrets/dotenv-cases.env'), 'utf8') + readFileSync(join(repoRoot, 'test/fixtures/secrets/dotenv-multiline.env'), 'utf8').replace(/^(BASIC|AFTER_LINE|EMPTY|SINGLE_QUOTES|SINGLE_QUOTES_SPACED|DOUBLE_QUOTES|DOUBLE_QUOTES_SPACED|EXPAND_NEWLINES|DONT_EXPAND_UNQUOTED|DONT_EXPAND_SQUOTED|EQUAL_SIGNS|RETAIN_INNER_QUOTES|RETAIN_INNER_QUOTES_AS_STRING|TRIM_SPACE_FROM_UNQUOTED|USERNAME|    SPACED_KEY)[ =].*$/gm, '');
    const source = join(base, '.env.staging');
    writeFileSync(source, fixture);
    const expected = dotenv.parse(fixture);
    const r = as('alice', ['secrets', 'import', '--from-dotenv', source, '--env', 'staging', '--delete-source', '--label', 'alice']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(source)).toBe(false);
    const json = as('alice', ['secrets', 'export', '--env', 'staging', '--format', 'json', '--reveal']);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    const out = join(base, 'exported.env');
    expect(as('alice', ['secrets', 'export', '--env', 'staging', '-o', out]).status).toBe(0);
    expect(dotenv.parse(readFileSync(out, 'utf8'))).toEqual(expected);
    const shell = as('alice', ['secrets', 'export', '--env', 'staging', '--format', 'shell', '--reveal', '--only', 'MULTI_BACKTICKED,EXPAND_NEWLINES']);
    expect(execFileSync('sh', ['-c', `${shell.stdout}printf %s "$MULTI_BACKTICKED|$EXPAND_NEWLINES"`]).toString()).toBe(`${expected.MULTI_BACKTICKED}|${expected.EXPAND_NEWLINES}`);
  });
});

describe('secrets run', () => {
  const secretValue = 'sup3r-s3cret-value-for-argv-check';
  beforeAll(() => {
    expect(as('alice', ['secrets', 'set', 'RUN_SECRET', '--env', 'production'], secretValue).status).toBe(0);
  });

  it('passes secrets and the exit code; --only restricts', () => {
    const script = 'process.exit(process.env.RUN_SECRET === "sup3r-s3cret-value-for-argv-check" && process.env.HOME_MARKER === "kept" ? 23 : 1)';
    const r = circle(['secrets', 'run', '--env', 'production', '--', process.execPath, '-e', script], { cwd: project, home: homes.ci, env: { CIRCLE_KEY_PRODUCTION: ciKey, HOME_MARKER: 'kept' } });
    expect(r.status, r.stderr).toBe(23);
    const only = circle(['secrets', 'run', '--env', 'production', '--only', 'MIDDLE_B', '--', process.execPath, '-e', 'process.exit(process.env.RUN_SECRET === undefined && process.env.MIDDLE_B === "2" ? 0 : 1)'], {
      cwd: project,
      home: homes.ci,
      env: { CIRCLE_KEY_PRODUCTION: ciKey },
    });
    expect(only.status, only.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(secretValue);
  });

  it('forwards SIGTERM, exits with the child code, and no process we start has the secret in argv', async () => {
    const script = `process.on('SIGTERM', () => process.exit(42)); console.log('ready'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, [circleBin, 'secrets', 'run', '--env', 'production', '--', process.execPath, '-e', script], {
      cwd: project,
      env: { ...process.env, CIRCLE_HOME: homes.ci, CI: 'true', CIRCLE_KEY_PRODUCTION: ciKey },
    });
    let out = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
    // While both run: scan every process's argv on this machine for the secret.
    if (existsSync('/proc/self/cmdline')) {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        expect(cmdline).not.toContain(secretValue);
      }
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(42);
  });

  it('a child killed by a signal gives 128 + signal', () => {
    const r = circle(['secrets', 'run', '--env', 'production', '--', 'sh', '-c', 'kill -TERM $$'], { cwd: project, home: homes.ci, env: { CIRCLE_KEY_PRODUCTION: ciKey } });
    expect(r.status).toBe(143);
  });
});

describe('concurrency and crashes', () => {
  it('20 parallel `secrets set` on different names: all 20 present', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        circleAsync(['secrets', 'set', `PAR_${i}`, '--env', 'production'], { cwd: project, home: homes.ci, env: { CIRCLE_KEY_PRODUCTION: ciKey, CIRCLE_LOCK_TIMEOUT_MS: '120000' }, input: `value-${i}` }),
      ),
    );
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    const all = JSON.parse(asCi(['secrets', 'export', '--env', 'production', '--format', 'json', '--reveal']).stdout);
    for (let i = 0; i < 20; i++) expect(all[`PAR_${i}`]).toBe(`value-${i}`);
  }, 180_000);

  it('SIGKILL mid-write never loses an acknowledged secret', async () => {
    const acknowledged: string[] = [];
    for (let i = 0; i < 8; i++) {
      const name = `KILL_${i}`;
      const child = spawn(process.execPath, [circleBin, 'secrets', 'set', name, '--env', 'production'], {
        cwd: project,
        env: { ...process.env, CIRCLE_HOME: homes.ci, CI: 'true', CIRCLE_KEY_PRODUCTION: ciKey },
      });
      child.stdin.end(`v${i}`);
      const timer = setTimeout(() => child.kill('SIGKILL'), 150 + ((i * 97) % 600));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      if (code === 0) acknowledged.push(name);
    }
    const r = asCi(['secrets', 'export', '--env', 'production', '--format', 'json', '--reveal']);
    expect(r.status, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout);
    for (const name of acknowledged) expect(all[name]).toBe(`v${name.slice(5)}`);
  }, 120_000);
});
