import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditSink } from '../../src/core/audit/open-sink.js';
import { initVault } from '../../src/core/vault/init.js';
import { createSession } from '../../src/core/auth/session.js';
import { runArgv } from '../helpers/in-process.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const bin = join(repoRoot, 'bin/run.js');
// The vault made in-process below derives one admin password key: keep Argon2 cheap in tests.
process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));
function newHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'circle-audit-cli-'));
  homes.push(dir);
  return dir;
}
const env = (home: string) => ({ ...process.env, CIRCLE_HOME: home, CI: 'true', NO_COLOR: '1' });

/** `circle ARGS` in process (the bundled commands, in-memory streams: test/helpers/in-process.ts). */
async function circle(home: string, ...args: string[]) {
  const r = await runArgv(args, { home, env: { CIRCLE_ARGON2_MEMORY_KIB: '1024', CIRCLE_ARGON2_TIME_COST: '1' } });
  return { ...r, json: () => JSON.parse(r.stdout) as Record<string, any> };
}

/**
 * A vault (which makes the audit keys: private halves sealed in it) and a session
 * kept in the home, so CLI commands that sign or decrypt unlock without a prompt.
 * No audit sink here, so the vault's own events do not shift the counts below.
 */
async function withVault(home: string): Promise<void> {
  const { ctx } = await initVault(home, { admin: 'alice', password: 'correct horse battery staple' });
  await createSession(ctx);
}

async function seed(home: string): Promise<void> {
  await withVault(home);
  const sink = openAuditSink(home, { checkpointEvery: 4 });
  for (let i = 0; i < 5; i++) await sink.record({ action: 'auth.login', outcome: 'failure', actor: { type: 'user', id: 'anonymous' }, target: 'bob', reason: 'bad-password', details: { ip: `10.0.0.${i}` } });
  await sink.record({ action: 'auth.login', outcome: 'success', actor: { type: 'user', id: 'alice' }, target: 'alice' });
  await sink.record({ action: 'secrets.read', outcome: 'success', actor: { type: 'user', id: 'alice' }, target: 'secret:dev/DB_URL' });
  await sink.record({ action: 'auth.token.use', outcome: 'denied', actor: { type: 'token', id: 'tok1' }, target: 'token:tok1', reason: 'revoked' });
}

function segmentFile(home: string): string {
  const dir = join(home, 'audit', 'segments');
  return join(dir, readdirSync(dir).sort()[0]!);
}

describe('circle audit (CLI)', () => {
  it('verify on an empty home succeeds; config set there records nothing and does not fail', async () => {
    const home = newHome();
    const r = (await circle(home, 'audit', 'verify', '--json'));
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, size: 0 });
    expect((await circle(home, 'config', 'set', 'lock.timeoutMs', '20000')).code).toBe(0);
    expect(existsSync(join(home, 'audit'))).toBe(false);
    expect((await circle(home, 'audit', 'watch', '--once')).code).toBe(0);
  });

  it('log filters, limits and decrypts details', async () => {
    const home = newHome();
    await seed(home);
    const all = (await circle(home, 'audit', 'log', '--json'));
    expect(all.code).toBe(0);
    expect(all.json().count).toBe(8);
    const failed = (await circle(home, 'audit', 'log', '--action', 'auth.*', '--outcome', 'failure', '--limit', '2', '--json')).json();
    expect(failed.entries.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
    expect((await circle(home, 'audit', 'log', '--actor', 'alice', '--json')).json().count).toBe(2);
    expect((await circle(home, 'audit', 'log', '--since', '1h', '--until', '2999-01-01T00:00:00Z', '--json')).json().count).toBe(8);
    expect((await circle(home, 'audit', 'log', '--since', '2999-01-01', '--json')).json().count).toBe(0);
    const text = (await circle(home, 'audit', 'log', '--limit', '1'));
    expect(text.stdout).toMatch(/#7 +denied +token:tok1 +auth\.token\.use +token:tok1 +\(revoked\)/);
    const hidden = (await circle(home, 'audit', 'log', '--action', 'auth.login', '--outcome', 'failure', '--limit', '1'));
    expect(hidden.stdout).toContain('[details encrypted]');
    expect(hidden.stdout).not.toContain('10.0.0.4');
    const shown = (await circle(home, 'audit', 'log', '--action', 'auth.login', '--outcome', 'failure', '--limit', '1', '--details', '--json')).json();
    expect(shown.entries[0].details).toEqual({ ip: '10.0.0.4' });
    // Details need the vault-held key: without a session, exit 3.
    rmSync(join(home, 'session.token'));
    expect((await circle(home, 'audit', 'log', '--limit', '1', '--details')).code).toBe(3);
    const bad = (await circle(home, 'audit', 'log', '--since', 'yesterday'));
    expect(bad.code).toBe(2);
  });

  it('checkpoint, verify --checkpoint and prove; tampering exits 1 and names the entry', async () => {
    const home = newHome();
    await seed(home);
    const cpFile = join(home, 'kept.txt');
    const cp = (await circle(home, 'audit', 'checkpoint', '--out', cpFile, '--json'));
    expect(cp.code).toBe(0);
    const note = readFileSync(cpFile, 'utf8');
    expect(note).toMatch(/^circle-core\.local\/audit\/[0-9a-f]+\n8\n[A-Za-z0-9+/]{43}=\ntime \S+\n\n\u2014 \S+ [A-Za-z0-9+/=]+\n$/);
    const vkey = (await circle(home, 'audit', 'checkpoint', '--public-key')).stdout.trim();
    expect(readFileSync(join(home, 'audit', 'public-keys.json'), 'utf8')).toContain(vkey);
    expect(vkey).toBe(cp.json().verifierKey);

    const ok = (await circle(home, 'audit', 'verify', '--checkpoint', cpFile, '--key', vkey));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('extends the kept checkpoint');

    const proved = (await circle(home, 'audit', 'prove', '--from', cpFile, '--json'));
    expect(proved.code).toBe(0);
    expect(proved.json()).toMatchObject({ verified: true, from: { size: 8 } });

    await openAuditSink(home).record({ action: 'config.set', outcome: 'success', actor: { type: 'user', id: 'alice' }, target: 'lock.timeoutMs' });
    const grown = (await circle(home, 'audit', 'prove', '--from', cpFile, '--json')).json();
    expect(grown).toMatchObject({ verified: true, from: { size: 8 }, to: { size: 9 } });
    expect(grown.proof.length).toBeGreaterThan(0);

    const file = segmentFile(home);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"target":"bob"', '"target":"eve"');
    writeFileSync(file, lines.join('\n'));
    const broken = (await circle(home, 'audit', 'verify', '--checkpoint', cpFile, '--json'));
    expect(broken.code).toBe(1);
    expect(broken.json()).toMatchObject({ ok: false, firstBad: { seq: 2, segment: '000000000000.jsonl' } });
    const text = (await circle(home, 'audit', 'verify'));
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAILED at entry 2 \(segment 000000000000\.jsonl/);
    expect((await circle(home, 'audit', 'prove', '--from', cpFile)).code).toBe(1);
    const refused = (await circle(home, 'audit', 'checkpoint'));
    expect(refused.code).toBe(1);
    // Signing needs unlocking: without a session, exit 3 (the public key still prints).
    rmSync(join(home, 'session.token'));
    expect((await circle(home, 'audit', 'checkpoint', '--out', join(home, 'x.txt'))).code).toBe(3);
    expect((await circle(home, 'audit', 'checkpoint', '--public-key')).code).toBe(0);
  });

  it('a malformed checkpoint file is an integrity error (exit 5)', async () => {
    const home = newHome();
    await seed(home);
    writeFileSync(join(home, 'junk.txt'), 'not a checkpoint\n');
    expect((await circle(home, 'audit', 'verify', '--checkpoint', join(home, 'junk.txt'))).code).toBe(5);
  });

  it('export writes the stored lines as JSON Lines', async () => {
    const home = newHome();
    await seed(home);
    const r = (await circle(home, 'audit', 'export', '--action', 'auth.login'));
    expect(r.code).toBe(0);
    const stored = readFileSync(segmentFile(home), 'utf8').split('\n').filter((l) => l.includes('"auth.login"'));
    expect(r.stdout).toBe(stored.map((l) => `${l}\n`).join(''));
    const out = join(home, 'out.jsonl');
    expect((await circle(home, 'audit', 'export', '--out', out, '--json')).json()).toEqual({ count: 8, out });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(8);
    expect((await circle(home, 'audit', 'export', '--json')).code).toBe(2);
  });

  it('watch --once exits 1 with the alerts that fire, 0 when none do', async () => {
    const home = newHome();
    await seed(home);
    const r = (await circle(home, 'audit', 'watch', '--once', '--json'));
    expect(r.code).toBe(1);
    const rules = r.json().alerts.map((a: { rule: string }) => a.rule).sort();
    expect(rules).toEqual(['failed-logins', 'revoked-token']);
    const text = (await circle(home, 'audit', 'watch', '--once'));
    expect(text.stdout).toMatch(/ALERT \S+ failed-logins #4: 5 failed logins for bob/);

    const quiet = newHome();
    await withVault(quiet);
    const quietSink = openAuditSink(quiet);
    await quietSink.record({ action: 'auth.login', outcome: 'success', actor: { type: 'user', id: 'alice' }, target: 'alice' });
    await quietSink.record({ action: 'auth.logout', outcome: 'success', actor: { type: 'user', id: 'alice' }, target: 'alice' });
    expect((await circle(quiet, 'audit', 'watch', '--once')).code).toBe(0);
    const file = segmentFile(quiet);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"target":"alice"', '"target":"mallory"'));
    const tampered = (await circle(quiet, 'audit', 'watch', '--once', '--json'));
    expect(tampered.code).toBe(1);
    expect(tampered.json().alerts).toMatchObject([{ rule: 'verification', seq: 0 }]);
  });

  it('watch follows the log and prints alerts as JSON lines', async () => {
    const home = newHome();
    await withVault(home);
    await openAuditSink(home).record({ action: 'auth.login', outcome: 'success', actor: { type: 'user', id: 'alice' }, target: 'alice' });
    const child = spawn(process.execPath, [bin, 'audit', 'watch', '--format', 'json', '--poll-interval', '100'], { env: env(home) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
    };
    try {
      await until(() => stderr.includes('Watching'));
      expect(stderr).toContain('Watching');
      await openAuditSink(home).record({ action: 'auth.token.use', outcome: 'denied', actor: { type: 'token', id: 't9' }, target: 'token:t9', reason: 'revoked' });
      await until(() => stdout.includes('\n'));
      const alert = JSON.parse(stdout.split('\n')[0]!) as { rule: string; seq: number };
      expect(alert).toMatchObject({ rule: 'revoked-token', seq: 1 });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  });
});
