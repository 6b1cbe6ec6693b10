import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli, tempHome } from '../helpers/cli.js';

/** Keys of the config schema with a numeric type, one per process in the concurrency test. */
const numericKeys = [
  'lock.timeoutMs',
  'auth.passwordMinLength',
  'auth.passwordMaxAgeDays',
  'auth.lockout.maxAttempts',
  'auth.lockout.windowMinutes',
  'auth.session.idleMinutes',
  'auth.session.absoluteHours',
  'auth.token.defaultExpiryDays',
  'secrets.generate.length',
  'audit.segmentMaxBytes',
  'audit.retentionDays',
  'audit.rules.failedLogins.threshold',
  'audit.rules.failedLogins.windowMinutes',
  'audit.rules.secretReads.threshold',
  'audit.rules.secretReads.windowSeconds',
  'scan.db.maxAgeDays',
  'scan.secrets.maxFileSizeKiB',
];
const otherKeys: [string, string][] = [
  ['defaultEnv', 'staging'],
  ['scan.failOn', 'critical'],
  ['secrets.generate.alphabet', 'hex'],
];

function readConfigData(home: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { data: Record<string, unknown> }).data;
}

describe('state safety through the CLI', () => {
  const homes: (() => void)[] = [];
  afterAll(() => homes.forEach((c) => c()));
  const newHome = () => {
    const t = tempHome();
    homes.push(t.cleanup);
    return t.home;
  };

  it('keeps all 20 values when 20 `config set` processes start at once', async () => {
    const home = newHome();
    await runCli(['config', 'list'], { home });
    const writes: [string, string][] = [...numericKeys.map((key, i): [string, string] => [key, String(key === 'audit.segmentMaxBytes' ? 8192 : 100 + i)]), ...otherKeys];
    expect(writes).toHaveLength(20);
    const results = await Promise.all(writes.map(([key, value]) => collect(spawnCli(['config', 'set', key, value], { home }))));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const data = readConfigData(home);
    for (const [key, value] of writes) expect(String(data[key])).toBe(value);
  });

  it('leaves the old or the new value, always parseable, when writers are killed with SIGKILL (50 times)', async () => {
    const home = newHome();
    expect((await runCli(['config', 'set', 'scan.db.maxAgeDays', '0'], { home })).code).toBe(0);
    let previous = 0;
    const outcomes = { old: 0, new: 0 };
    for (let round = 1; round <= 50; round++) {
      const child = spawnCli(['config', 'set', 'scan.db.maxAgeDays', String(round)], { home });
      const done = collect(child);
      // Spread the kills over start-up, the lock, the temp-file write and the rename.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 600)));
      child.kill('SIGKILL');
      const result = await done;
      const value = readConfigData(home)['scan.db.maxAgeDays'];
      expect([previous, round]).toContain(value);
      if (result.code === 0) expect(value).toBe(round);
      if (value === round) outcomes.new++;
      else outcomes.old++;
      previous = value as number;
    }
    // A later process still works: stale locks from killed writers are broken.
    const after = await runCli(['config', 'set', 'scan.db.maxAgeDays', '99'], { home, env: { CIRCLE_LOCK_TIMEOUT_MS: '60000' } });
    expect(after.code, after.stderr).toBe(0);
    expect(readConfigData(home)['scan.db.maxAgeDays']).toBe(99);
    expect(outcomes.old + outcomes.new).toBe(50);
  });

  it('exits 5 on a truncated or hand-corrupted state file and leaves it untouched', async () => {
    const home = newHome();
    expect((await runCli(['config', 'set', 'auth.lockout.maxAttempts', '9'], { home })).code).toBe(0);
    const file = join(home, 'config.json');
    const good = readFileSync(file);
    const corruptions = [
      good.subarray(0, Math.floor(good.length / 2)),
      Buffer.from(good.toString('utf8').replace('"version": 1', '"version": "one"')),
      Buffer.from(good.toString('utf8').replace('9', '"nine"')),
      Buffer.from('\u0000\u0001garbage'),
    ];
    for (const bad of corruptions) {
      writeFileSync(file, bad);
      for (const args of [['config', 'get', 'defaultEnv'], ['config', 'set', 'defaultEnv', 'prod']]) {
        const result = await runCli(args, { home });
        expect(result.code, `${args.join(' ')} on ${bad.toString('utf8')}`).toBe(5);
        expect(result.stderr).toMatch(/^Error: .*config\.json is corrupt/);
        expect(result.stderr.trim().split('\n')).toHaveLength(2);
        expect(readFileSync(file)).toEqual(bad);
      }
    }
  });
});
