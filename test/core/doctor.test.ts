import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { updateUserConfig } from '../../src/core/config/user-config.js';
import { runDoctor } from '../../src/core/doctor.js';
import { tempDir } from '../helpers/cli.js';

describe('runDoctor', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const home = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'home');
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  };

  it('passes on a healthy home and names each state file it checked', async () => {
    const dir = home();
    await updateUserConfig(dir, { 'scan.failOn': 'high' });
    const report = await runDoctor({ dir, source: 'flag' }, '0.0.0');
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'state:config.json')?.status).toBe('ok');
  });

  it('fails on a corrupt state file in a folder of many, with a fix', async () => {
    const dir = home();
    mkdirSync(join(dir, 'sessions'), { mode: 0o700 });
    writeFileSync(join(dir, 'sessions', 'abc.json'), '{"format":"circle-session","version":1,"data":{"id":', { mode: 0o600 });
    const report = await runDoctor({ dir, source: 'flag' }, '0.0.0');
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'state:sessions/abc.json')).toMatchObject({ status: 'fail', hint: expect.any(String) });
  });

  it('reports files other users can read, and stale locks', async () => {
    const dir = home();
    writeFileSync(join(dir, 'vault.json.lock'), JSON.stringify({ pid: 4194305, host: hostname(), nonce: 'x', since: new Date().toISOString() }), { mode: 0o600 });
    writeFileSync(join(dir, 'notes.txt'), 'x');
    chmodSync(join(dir, 'notes.txt'), 0o644);
    const report = await runDoctor({ dir, source: 'flag' }, '0.0.0');
    expect(report.checks.find((c) => c.id === 'locks')?.status).toBe('warn');
    expect(report.checks.find((c) => c.id === 'file-modes')).toMatchObject({ status: 'fail', message: expect.stringContaining('notes.txt') });
    expect(report.ok).toBe(false);
  });
});
