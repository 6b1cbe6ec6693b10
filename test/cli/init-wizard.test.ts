import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, tempHome } from '../helpers/cli.js';

const hasPython = spawnSync('python3', ['--version']).error === undefined;
if (!hasPython) console.warn('[circle tests] python3 not found: the interactive `circle init` wizard test is SKIPPED');

const password = 'correct horse battery staple 9';

/** Drives `circle init` in a pseudo-terminal, as a person would (test/fixtures/pty/drive.py). */
function runWizard(home: string) {
  const steps = [
    ['Admin user name', 'alice\r'],
    ['Password for alice', `${password}\r`],
    ['Repeat it', `${password}\r`],
    ['Create a vault', '\r'],
    ['Enrol an authenticator', '\r'],
    ['manually: (?P<secret>[A-Z2-7]+)', ''],
    ['Code from the app', '{totp}'],
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: home, CIRCLE_ARGON2_MEMORY_KIB: '1024', TERM: 'xterm' };
  delete env.CI; // a person at a terminal: prompting is allowed
  return spawnSync('python3', [join(repoRoot, 'test/fixtures/pty/drive.py'), JSON.stringify(steps), '--', process.execPath, cliPath, 'init'], { env, encoding: 'utf8', timeout: 120_000 });
}

describe.skipIf(!hasPython)('circle init, interactive', () => {
  const t = tempHome();
  afterAll(() => t.cleanup());

  it('creates the vault and admin, enrols TOTP with a QR code, and shows recovery codes once', async () => {
    const result = runWizard(t.home);
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toContain('Scan this with your authenticator app');
    expect(result.stdout).toMatch(/Recovery codes/);
    expect(result.stdout).not.toContain(password);

    // MFA is on: the password alone no longer logs in.
    const login = await runCli(['auth', 'login', '--user', 'alice', '--password-stdin'], { home: t.home, input: `${password}\n`, env: { CIRCLE_ARGON2_MEMORY_KIB: '1024' } });
    expect(login.code).toBe(3);

    // A second run refuses and changes nothing.
    const before = readFileSync(join(t.home, 'vault.json'));
    const again = runWizard(t.home);
    expect(again.status).not.toBe(0);
    expect(readFileSync(join(t.home, 'vault.json'))).toEqual(before);
  });
});
