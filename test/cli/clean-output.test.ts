/**
 * Clean output on pipes and files (issue 14 item 5): colour is decided per stream, so text
 * that goes to a file or a pipe is plain while the terminal keeps its colour; `--json` stdout
 * holds one document; an empty list prints nothing on stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { generateX25519KeyPair } from '../../src/core/age/x25519.js';

const ESC = '\u001b';
const hasPython = spawnSync('python3', ['--version']).error === undefined;
if (!hasPython) console.warn('[circle tests] python3 not found: the clean-output-on-a-terminal tests are SKIPPED');

const t = tempDir('circle-clean-output-');
afterAll(() => t.cleanup());
const home = join(t.dir, 'home');
const fixtures = join(repoRoot, 'test/fixtures/scan-deps');

/**
 * Runs `script` (sh) in a 120×40 pseudo-terminal, as a person at a terminal would, with
 * `circle` standing for the built CLI; returns what the terminal showed.
 */
function inTerminal(script: string): { status: number | null; transcript: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: home, TERM: 'xterm-256color' };
  for (const key of ['CI', 'NO_COLOR', 'FORCE_COLOR']) delete env[key]; // a person at a colour terminal
  const command = `stty cols 120 rows 40; circle() { "${process.execPath}" "${cliPath}" "$@"; }; ${script}; echo END-OF-RUN`;
  const r = spawnSync('python3', [join(repoRoot, 'test/fixtures/pty/drive.py'), JSON.stringify([['END-OF-RUN', '']]), '--', 'sh', '-c', command], {
    cwd: t.dir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, transcript: r.stdout };
}

describe.skipIf(!hasPython)('colour is decided per stream, on a terminal', () => {
  beforeAll(async () => {
    const imported = await runCli(['scan', 'db', 'import', join(fixtures, 'osv')], { home });
    expect(imported.code, imported.stderr).toBe(0);
  });

  it('`circle doctor > out.txt` writes no escape codes into the file; on the terminal it is coloured', () => {
    const r = inTerminal('circle doctor > doctor.txt; circle doctor');
    expect(r.status).toBe(0);
    const file = readFileSync(join(t.dir, 'doctor.txt'), 'utf8');
    expect(file).toMatch(/^ok {4}Node\.js/m);
    expect(file).not.toContain(ESC);
    expect(r.transcript).toContain(`${ESC}[32mok  ${ESC}[0m  Node.js`);
  });

  it('`circle scan deps` writes no colour into a pipe or an -o file; on the terminal the table is coloured', () => {
    const project = join(fixtures, 'monorepo');
    const r = inTerminal(`circle scan deps ${project} | cat > piped.txt; circle scan deps ${project} -o report.txt; circle scan deps ${project} --fail-on critical`);
    expect(r.status).toBe(0);
    for (const name of ['piped.txt', 'report.txt']) {
      const text = readFileSync(join(t.dir, name), 'utf8');
      expect(text).toMatch(/django@3\.2\.0/);
      expect(text, name).not.toContain(ESC);
    }
    expect(r.transcript).toMatch(/django@3\.2\.0/);
    expect(r.transcript).toMatch(new RegExp(`${ESC}\\[33mmoderate${ESC}\\[39m`));
  });

  it('NO_COLOR turns colour off on the terminal too', () => {
    const r = inTerminal('NO_COLOR=1 circle doctor');
    expect(r.transcript).toMatch(/ok {4}Node\.js/);
    expect(r.transcript).not.toContain(ESC);
  });
});

describe('one JSON document on stdout, nothing for an empty list', () => {
  const project = join(t.dir, 'project');
  const projectHome = join(t.dir, 'project-home');
  const identity = join(t.dir, 'identity.txt');
  const asAlice = (args: string[], input?: string) => runCli([...args.slice(0, 2), '-i', identity, ...args.slice(2)], { cwd: project, home: projectHome, ...(input === undefined ? {} : { input }) });

  beforeAll(async () => {
    mkdirSync(join(project, '.circle'), { recursive: true });
    writeFileSync(identity, `${generateX25519KeyPair().identity}\n`, { mode: 0o600 });
    const set = await asAlice(['secrets', 'set', 'API_KEY', '--env', 'dev', '--label', 'alice'], 'k-123\n');
    expect(set.code, set.stderr).toBe(0);
  });

  it('`secrets run --json` sends the child\'s stdout to stderr, so stdout parses as one document', async () => {
    const r = await asAlice(['secrets', 'run', '--env', 'dev', '--json', '--', process.execPath, '-e', 'console.log("hello from the child"); console.error("child stderr")']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ env: 'dev', exitCode: 0, injected: ['API_KEY'] });
    expect(r.stderr).toContain('hello from the child');
    expect(r.stderr).toContain('child stderr');
  });

  it('without --json the child keeps its own stdout', async () => {
    const r = await asAlice(['secrets', 'run', '--env', 'dev', '--', process.execPath, '-e', 'console.log("hello from the child")']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello from the child\n');
  });

  it.each(['development', 'test'])('NODE_ENV=%s adds nothing to stderr (oclif looks for TypeScript sources only then)', async (nodeEnv) => {
    const r = await runCli(['config', 'get', 'scan.failOn'], { home: projectHome, env: { NODE_ENV: nodeEnv } });
    expect(r).toMatchObject({ code: 0, stdout: 'low\n', stderr: '' });
  });

  it('an empty list prints nothing on stdout (a note on stderr) and an empty array with --json', async () => {
    const vaultHome = join(t.dir, 'vault-home');
    const env = { CIRCLE_ARGON2_MEMORY_KIB: '1024', CIRCLE_ARGON2_TIME_COST: '1' };
    const init = await runCli(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { home: vaultHome, input: 'correct horse battery staple 9\n', env });
    expect(init.code, init.stderr).toBe(0);
    const login = await runCli(['auth', 'login', '--user', 'alice', '--password-stdin'], { home: vaultHome, input: 'correct horse battery staple 9\n', env });
    expect(login.code, login.stderr).toBe(0);
    const session = { ...env, CIRCLE_SESSION: login.stdout.trim().split('=')[1]! };
    const plain = await runCli(['auth', 'token', 'list'], { home: vaultHome, env: session });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain('No machine tokens.');
    const json = await runCli(['auth', 'token', 'list', '--json'], { home: vaultHome, env: session });
    expect(JSON.parse(json.stdout)).toEqual({ tokens: [] });
    expect(json.stderr).toBe('');
  });
});
