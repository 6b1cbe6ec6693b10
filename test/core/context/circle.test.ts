import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditSink } from '../../../src/core/audit/open-sink.js';
import { createSession, currentSessionFile } from '../../../src/core/auth/session.js';
import { createMachineToken } from '../../../src/core/auth/tokens.js';
import { createCircle, openCircle } from '../../../src/core/context/index.js';
import { lockPathFor, withLock } from '../../../src/core/home/lock.js';
import { initVault } from '../../../src/core/vault/init.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';

const tmp = mkdtempSync(join(tmpdir(), 'circle-context-'));
const home = join(tmp, 'home');
let sessionToken: string;
let ciToken: string;
let viewerToken: string;

beforeAll(async () => {
  mkdirSync(home, { mode: 0o700 });
  const { ctx } = await initVault(home, { admin: 'alice', password: 'correct horse battery', audit: openAuditSink(home) });
  sessionToken = (await createSession(ctx)).token;
  // The session stays valid; only the file that names it goes, so the tests choose what the Circle finds.
  rmSync(currentSessionFile(home));
  ciToken = (await createMachineToken(ctx, { name: 'ci', role: 'ci' })).token;
  viewerToken = (await createMachineToken(ctx, { name: 'viewer', role: 'viewer' })).token;
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Circle.unlock', () => {
  it('tries CIRCLE_TOKEN, then CIRCLE_SESSION', async () => {
    const both = createCircle({ home, cwd: tmp, env: { CIRCLE_TOKEN: ciToken, CIRCLE_SESSION: sessionToken } });
    expect((await both.unlock()).role).toBe('ci');
    const session = createCircle({ home, cwd: tmp, env: { CIRCLE_SESSION: sessionToken } });
    expect((await session.unlock()).actor).toEqual({ type: 'user', id: 'alice' });
  });

  it('falls back to the session file', async () => {
    writeFileSync(currentSessionFile(home), `${sessionToken}\n`, { mode: 0o600 });
    try {
      expect((await createCircle({ home, cwd: tmp, env: {} }).unlock()).actor.id).toBe('alice');
    } finally {
      rmSync(currentSessionFile(home));
    }
  });

  it('acts for explicit credentials instead of the environment (one Circle per request principal)', async () => {
    const circle = createCircle({ home, cwd: tmp, env: { CIRCLE_SESSION: sessionToken }, credentials: { machineToken: ciToken } });
    expect((await circle.unlock()).role).toBe('ci');
    const nobody = createCircle({ home, cwd: tmp, env: { CIRCLE_SESSION: sessionToken }, credentials: {} });
    await expect(nobody.unlock()).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('unlocks once per Circle', async () => {
    const circle = createCircle({ home, cwd: tmp, env: { CIRCLE_TOKEN: ciToken } });
    expect(await circle.unlock()).toBe(await circle.unlock());
  });

  it('is NOT_FOUND without a vault and AUTH_REQUIRED without credentials', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { mode: 0o700 });
    await expect(createCircle({ home: empty, cwd: tmp, env: {} }).unlock()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createCircle({ home, cwd: tmp, env: {} }).unlock()).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(await createCircle({ home, cwd: tmp, env: {} }).tryUnlock()).toBeUndefined();
  });

  it('a bad token fails, and a later call tries again', async () => {
    const circle = createCircle({ home, cwd: tmp, env: { CIRCLE_TOKEN: 'circle_t_0000000000000000_nope' } });
    await expect(circle.unlock()).rejects.toMatchObject({ exitCode: 3 });
    await expect(circle.unlock()).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('Circle.configAudit', () => {
  it('a logged-in viewer may not change the configuration of a vault home; nothing is written', async () => {
    const { writeConfigValue } = await import('../../../src/core/config/write.js');
    const circle = createCircle({ home, cwd: tmp, env: { CIRCLE_TOKEN: viewerToken } });
    const audit = await circle.configAudit();
    expect(audit?.actor).toMatchObject({ type: 'token' });
    await expect(writeConfigValue({ homeDir: home }, 'scan.failOn', 'high', audit)).rejects.toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 3 });
    expect((await circle.settings()).entries['scan.failOn'].origin).toBe('default');
  });

  it('without credentials the change acts as the OS user', async () => {
    const audit = await createCircle({ home, cwd: tmp, env: {} }).configAudit();
    expect(audit?.actor.type).toBe('system');
    expect(audit?.authorizer).toBeUndefined();
  });
});

describe('Circle settings and lock scope', () => {
  it('openCircle validates the configuration up front; createCircle waits for first use', async () => {
    const env = { CIRCLE_AUTH_PASSWORD_MIN_LENGTH: 'three' };
    await expect(openCircle({ home, cwd: tmp, env })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const lazy = createCircle({ home, cwd: tmp, env });
    await expect(lazy.settings()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('two Circles in one process wait for locks as long as their own settings say', async () => {
    const file = join(tmp, 'contended.json');
    // A live holder (this process's pid on this host) that never lets go.
    writeFileSync(lockPathFor(file), JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'held', since: new Date().toISOString() }));
    const attempt = async (timeoutMs: number) => {
      const circle = createCircle({ home, cwd: tmp, env: {} });
      return circle.run(async () => {
        await circle.settings({ flags: { 'lock.timeoutMs': timeoutMs } });
        return withLock(file, async () => 'got it').catch((error: Error) => error.message);
      });
    };
    const [short, long] = await Promise.all([attempt(40), attempt(400)]);
    expect(short).toContain('Timed out after 40 ms');
    expect(long).toContain('Timed out after 400 ms');
    rmSync(lockPathFor(file));
  });
});

describe('Circle audit sink', () => {
  it('reports a broken audit log once through onWarning, without failing the caller', async () => {
    const broken = join(tmp, 'broken');
    mkdirSync(join(broken, 'audit'), { recursive: true, mode: 0o700 });
    writeFileSync(join(broken, 'audit', 'public-keys.json'), 'not json');
    const warnings: string[] = [];
    const circle = createCircle({ home: broken, cwd: tmp, env: {}, onWarning: (m) => warnings.push(m) });
    await circle.audit.record({ action: 'test.one', outcome: 'success', actor: { type: 'system', id: 'x' } });
    await circle.audit.record({ action: 'test.two', outcome: 'success', actor: { type: 'system', id: 'x' } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the audit log could not record test\.one: /);
  });
});

describe('layering', () => {
  it('core imports nothing from src/cli, oclif, chalk, ora or inquirer', () => {
    const root = join(__dirname, '../../../src/core');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && /from '(\.\.\/)+cli\/|from '@oclif|from 'chalk'|from 'ora'|from '@inquirer|import\('(\.\.\/)+cli\//.test(readFileSync(path, 'utf8'))) offenders.push(relative(root, path));
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
