import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { runArgv } from '../helpers/in-process.js';

// Help and --version go through bin/run.js's own shims: they spawn the binary. The rest run the
// same bundled commands in process (test/helpers/in-process.ts), which is several times faster.
describe('circle (built binary)', () => {
  const t = tempHome();
  afterAll(() => t.cleanup());
  const home = t.home;

  it('prints help with every topic and the global flags', async () => {
    const result = await runCli(['--help'], { home });
    expect(result.code).toBe(0);
    for (const topic of ['config', 'doctor']) expect(result.stdout).toContain(topic);
    const configHelp = await runCli(['config', 'set', '--help'], { home });
    expect(configHelp.code).toBe(0);
    expect(configHelp.stdout).toContain('EXAMPLES');
    for (const flag of ['--json', '--home', '--no-input', '--quiet', '--no-color']) expect(configHelp.stdout).toContain(flag);
  });

  it('prints its version', async () => {
    const result = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(result.stdout).toContain(`circle-core/${pkg.version}`);
    // bin/run.js answers --version without oclif; it must say exactly what oclif would.
    const { spawnSync } = await import('node:child_process');
    const viaOclif = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/dev.js'), '--version'], { encoding: 'utf8' });
    expect(result.stdout).toBe(viaOclif.stdout);
  });

  it('creates the home 0700 with 0600 files, and --json output parses', async () => {
    const set = await runArgv(['config', 'set', 'auth.lockout.maxAttempts', '8', '--json'], { home });
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ key: 'auth.lockout.maxAttempts', value: 8, layer: 'user' });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);

    const get = await runArgv(['config', 'get', 'auth.lockout.maxAttempts'], { home });
    expect(get).toMatchObject({ code: 0, stdout: '8\n' });
    const list = await runArgv(['config', 'list', '--show-origin', '--json'], { home });
    const parsed = JSON.parse(list.stdout) as { entries: { key: string; origin: string }[] };
    expect(parsed.entries.find((e) => e.key === 'auth.lockout.maxAttempts')?.origin).toBe('user');

    const unset = await runArgv(['config', 'unset', 'auth.lockout.maxAttempts'], { home });
    expect(unset.code).toBe(0);
    expect((await runArgv(['config', 'get', 'auth.lockout.maxAttempts'], { home })).stdout).toBe('5\n');
  });

  it('exits 2 on usage errors, with one line and a hint, no stack trace', async () => {
    const badFlag = await runArgv(['config', 'list', '--no-such-flag'], { home });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^Error: Nonexistent flag: --no-such-flag\nHint: /);
    expect(badFlag.stderr).not.toMatch(/at .*\.js:\d+/);

    // Piped stdin never fills a missing argument (it could be a password meant for a flag).
    const missingArg = await runArgv(['config', 'get'], { home, input: 'hunter2-piped\n' });
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toContain('Missing 1 required arg');
    expect(missingArg.stderr + missingArg.stdout).not.toContain('hunter2-piped');
  });

  it('rejects unknown keys and wrong types naming the key, in text and JSON', async () => {
    const unknown = await runArgv(['config', 'set', 'auth.lockout.maxAttempt', '3'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown configuration key "auth.lockout.maxAttempt"');
    expect(unknown.stderr).toContain('Did you mean auth.lockout.maxAttempts');

    const wrongType = await runArgv(['config', 'set', 'auth.lockout.maxAttempts', 'three', '--json'], { home });
    expect(wrongType.code).toBe(2);
    const error = JSON.parse(wrongType.stdout) as { error: { code: string; exitCode: number; message: string; hint: string } };
    expect(error.error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    expect(error.error.message).toContain('auth.lockout.maxAttempts');
    expect(wrongType.stderr).toBe('');
  });

  it('reads CIRCLE_* variables and names them as the origin', async () => {
    const result = await runArgv(['config', 'get', 'scan.failOn', '--json'], { home, env: { CIRCLE_SCAN_FAIL_ON: 'critical' } });
    expect(JSON.parse(result.stdout)).toMatchObject({ value: 'critical', origin: 'env', source: 'CIRCLE_SCAN_FAIL_ON' });
  });

  it('refuses a home that other users can write to', async () => {
    const open = tempHome();
    try {
      const { mkdirSync, chmodSync } = await import('node:fs');
      mkdirSync(open.home);
      chmodSync(open.home, 0o777);
      const result = await runArgv(['config', 'get', 'defaultEnv'], { home: open.home });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('other users can write to it');
      const doctor = await runArgv(['doctor', '--json'], { home: open.home });
      expect(doctor.code).toBe(1);
      const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; status: string; hint?: string }[] };
      expect(report.checks.find((c) => c.id === 'home')).toMatchObject({ status: 'fail', hint: expect.stringContaining('chmod 700') });
    } finally {
      open.cleanup();
    }
  });

  it('doctor passes on a healthy home', async () => {
    const result = await runArgv(['doctor'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Node.js');
  });
});
