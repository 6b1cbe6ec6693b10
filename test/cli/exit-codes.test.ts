/**
 * issue 14, item 1: only bugs exit 10. Each case runs with and without `--json`; both must end
 * in the documented exit code, with `--json` printing exactly one JSON error document on stdout,
 * and neither may call the failure a bug in circle.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, tempHome } from '../helpers/cli.js';

const PASSWORD = 'correct horse battery staple';
const fast = { CIRCLE_ARGON2_MEMORY_KIB: '1024' };
const t = tempHome();
let session = '';

beforeAll(async () => {
  const init = await runCli(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { home: t.home, input: `${PASSWORD}\n`, env: fast });
  expect(init.code, init.stderr).toBe(0);
  const login = await runCli(['auth', 'login', '--password-stdin', '--json'], { home: t.home, input: `${PASSWORD}\n`, env: fast });
  expect(login.code, login.stderr).toBe(0);
  session = (JSON.parse(login.stdout) as { token: string }).token;
  writeFileSync(join(t.root, 'plain.txt'), 'hello\n');
}, 60_000);
afterAll(() => t.cleanup());

interface Case {
  name: string;
  args: () => string[];
  exit: number;
  code?: string;
  input?: string;
  /** Message text the one-line error must contain. */
  message?: RegExp;
  session?: boolean;
}

const missing = () => join(t.root, 'does-not-exist');
const folder = () => t.root;

const cases: Case[] = [
  { name: 'an unknown command', args: () => ['bogus'], exit: 2, message: /Unknown command: circle bogus/ },
  { name: 'an unknown sub-command', args: () => ['auth', 'bogus'], exit: 2, message: /Unknown command: circle auth bogus/ },
  { name: 'an extra argument', args: () => ['auth', 'whoami', 'extra'], exit: 2, message: /Unexpected argument.*extra/ },
  { name: 'a global flag before the command', args: () => ['--quiet', 'config', 'get', 'nope.key'], exit: 2, code: 'CONFIG_UNKNOWN_KEY' },
  { name: 'a missing flag value', args: () => ['scan', 'deps', '--format'], exit: 2, message: /--format expects/ },
  { name: 'an invalid --format', args: () => ['scan', 'deps', '--format', 'bogus'], exit: 2, message: /--format=bogus/ },
  { name: 'an invalid --fail-on', args: () => ['scan', 'deps', '--fail-on', 'bogus'], exit: 2 },
  { name: 'an invalid --omit', args: () => ['scan', 'deps', '--omit', 'bogus'], exit: 2 },
  { name: 'an invalid --role', args: () => ['auth', 'users', 'add', 'bob', '--role', 'bogus'], exit: 2, message: /--role=bogus/ },
  { name: 'an invalid --outcome', args: () => ['audit', 'log', '--outcome', 'bogus'], exit: 2 },
  { name: 'an invalid --alphabet', args: () => ['secrets', 'rotate', 'X', '--alphabet', 'bogus'], exit: 2 },
  { name: 'an invalid ROLE argument', args: () => ['auth', 'users', 'role', 'alice', 'bogus'], exit: 2, message: /bogus/ },
  { name: 'a flag validation failure shows the real reason', args: () => ['auth', 'login', 'alice', '--user', 'bob'], exit: 2, message: /Two different users/ },
  { name: '--out into a folder that does not exist', args: () => ['encrypt', '-p', '--passphrase-stdin', '-o', join(missing(), 'x.age'), join(t.root, 'plain.txt')], input: 'a long passphrase here\n', exit: 4, message: /does not exist/ },
  { name: 'encrypt of a missing input', args: () => ['encrypt', '-p', '--passphrase-stdin', '-o', join(t.root, 'x.age'), missing()], input: 'a long passphrase here\n', exit: 4 },
  { name: 'encrypt of a folder', args: () => ['encrypt', '-p', '--passphrase-stdin', '-o', join(t.root, 'x.age'), folder()], input: 'a long passphrase here\n', exit: 2 },
  { name: 'decrypt of a missing input', args: () => ['decrypt', '-p', '-o', join(t.root, 'y.txt'), missing()], exit: 4 },
  { name: 'a missing -i identity file', args: () => ['decrypt', '-i', missing(), '-o', join(t.root, 'y.txt'), join(t.root, 'plain.txt')], exit: 4 },
  { name: 'a missing -R recipients file', args: () => ['encrypt', '-R', missing(), '-o', join(t.root, 'x.age'), join(t.root, 'plain.txt')], exit: 4 },
  { name: 'a folder as -R recipients file', args: () => ['encrypt', '-R', folder(), '-o', join(t.root, 'x.age'), join(t.root, 'plain.txt')], exit: 2 },
  { name: 'a missing --from-file', args: () => ['secrets', 'set', 'X', '--from-file', missing()], exit: 4, session: true },
  { name: 'a folder as --from-file', args: () => ['secrets', 'set', 'X', '--from-file', folder()], exit: 2, session: true },
  { name: 'a missing --from-dotenv', args: () => ['secrets', 'import', '--from-dotenv', missing()], exit: 4, session: true },
  { name: 'a folder as --from-json', args: () => ['secrets', 'import', '--from-json', folder()], exit: 2, session: true },
];

function withJson(args: string[]): string[] {
  const end = args.indexOf('--');
  return end === -1 ? [...args, '--json'] : [...args.slice(0, end), '--json', ...args.slice(end)];
}

describe('only bugs exit 10 (issue 14 item 1)', () => {
  for (const c of cases) {
    it(`${c.name}: exit ${c.exit}, plain and --json`, async () => {
      const env = { ...fast, ...(c.session ? { CIRCLE_SESSION: session } : {}) };
      const plain = await runCli(c.args(), { home: t.home, input: c.input, env });
      expect(plain.code, plain.stderr).toBe(c.exit);
      expect(plain.stderr).not.toMatch(/bug in circle|Unexpected error|The following error/);
      expect(plain.stderr).toMatch(/^Error: .+\n/);
      if (c.message) expect(plain.stderr).toMatch(c.message);

      const json = await runCli(withJson(c.args()), { home: t.home, input: c.input, env });
      expect(json.code, json.stderr).toBe(c.exit);
      const doc = JSON.parse(json.stdout) as { error: { code: string; exitCode: number; message: string } };
      expect(doc.error.exitCode).toBe(c.exit);
      if (c.code) expect(doc.error.code).toBe(c.code);
      if (c.message) expect(doc.error.message).toMatch(c.message);
      expect(json.stderr).toBe('');
    }, 30_000);
  }

  it('global flags before the command are the same as after it', async () => {
    const before = await runCli(['--json', '--home', t.home, 'config', 'get', 'lock.timeoutMs']);
    const after = await runCli(['config', 'get', 'lock.timeoutMs', '--json', '--home', t.home]);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toBe(after.stdout);
  });

  it('a lock path that is a directory: exit 6 naming it, nothing changed', async () => {
    const lock = join(t.home, 'vault.json.lock');
    mkdirSync(lock);
    try {
      for (const json of [false, true]) {
        const r = await runCli(['auth', 'login', '--password-stdin', ...(json ? ['--json'] : [])], { home: t.home, input: `${PASSWORD}\n`, env: { ...fast, CIRCLE_LOCK_TIMEOUT_MS: '200' } });
        expect(r.code, r.stderr).toBe(6);
        expect(json ? (JSON.parse(r.stdout) as { error: { message: string } }).error.message : r.stderr).toContain('is a directory, not a lock file');
      }
    } finally {
      spawnSync('rmdir', [lock]);
    }
  });

  it('spawn E2BIG in `secrets run` is a usage error that names sizes, never values', async () => {
    const value = 'v'.repeat(200_000);
    const env = { ...fast, CIRCLE_SESSION: session };
    const set = await runCli(['secrets', 'set', 'HUGE'], { home: t.home, input: value, env });
    expect(set.code, set.stderr).toBe(0);
    for (const json of [false, true]) {
      const r = await runCli(['secrets', 'run', ...(json ? ['--json'] : []), '--', 'true'], { home: t.home, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toContain('E2BIG');
      expect(r.stdout + r.stderr).not.toContain('vvvvvvvv');
      if (json) expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('USAGE');
    }
    expect((await runCli(['secrets', 'rm', 'HUGE'], { home: t.home, env })).code).toBe(0);
  }, 30_000);

  it('`auth status` says "Not logged in" once', async () => {
    const other = tempHome();
    try {
      expect((await runCli(['init', '--admin', 'carol', '--password-stdin', '--no-mfa', '--yes'], { home: other.home, input: `${PASSWORD}\n`, env: fast })).code).toBe(0);
      const r = await runCli(['auth', 'status'], { home: other.home });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Not logged in. Run `circle auth login`.\n');
    } finally {
      other.cleanup();
    }
  }, 30_000);

  it('`auth login USER` takes the user as an argument', async () => {
    const r = await runCli(['auth', 'login', 'alice', '--password-stdin', '--json'], { home: t.home, input: `${PASSWORD}\n`, env: fast });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ user: 'alice' });
  });
});

const hasPython = spawnSync('python3', ['--version']).error === undefined;

describe.skipIf(!hasPython)('Ctrl-C at a prompt (pty)', () => {
  it('exits 130 with no bug message', () => {
    const h = tempHome();
    try {
      const steps = [['Admin user name', '\u0003']];
      const env: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: h.home, TERM: 'xterm' };
      delete env.CI;
      const r = spawnSync('python3', [join(repoRoot, 'test/fixtures/pty/drive.py'), JSON.stringify(steps), '--', process.execPath, cliPath, 'init'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stdout).toBe(130);
      expect(r.stdout).not.toMatch(/bug|Unexpected error|Error:/);
    } finally {
      h.cleanup();
    }
  }, 60_000);

  it('the init wizard asks again when the repeated password differs (issue 14 item 6)', () => {
    const h = tempHome();
    try {
      const steps = [
        ['Admin user name', 'alice\r'],
        ['Password for alice', 'correct horse battery staple 9\r'],
        ['Repeat it', 'correct horse battery stable 9\r'],
        // The transcript is searched from its start: wait for the second password prompt.
        ['do not match[\\s\\S]*Password for alice', '\u0003'],
      ];
      const env: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: h.home, TERM: 'xterm' };
      delete env.CI;
      const r = spawnSync('python3', [join(repoRoot, 'test/fixtures/pty/drive.py'), JSON.stringify(steps), '--', process.execPath, cliPath, 'init'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout).toContain('The passwords do not match; enter it again.');
      expect(r.status, r.stdout).toBe(130);
    } finally {
      h.cleanup();
    }
  }, 60_000);
});
