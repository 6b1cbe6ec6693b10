import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { X25519Identity, X25519Recipient, ScryptIdentity, ScryptRecipient, generateX25519KeyPair } from '../../../src/core/age/index.js';
import { backupKey, createBackup, listBackups, pruneBackups, restoreBackup, verifyBackup } from '../../../src/core/backup/index.js';
import { FileStore } from '../../../src/core/storage/index.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { tempDir } from '../../helpers/cli.js';
import { codeOf } from '../storage/contract.js';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.splice(0).forEach((d) => d.cleanup()));

/** A home with the shape circle gives it (contents are opaque to backups). */
function fakeHome(): { home: string; root: string } {
  const t = tempDir();
  dirs.push(t);
  const home = join(t.dir, 'home');
  mkdirSync(join(home, 'audit', 'segments'), { recursive: true, mode: 0o700 });
  mkdirSync(join(home, 'secrets'), { mode: 0o700 });
  mkdirSync(join(home, 'sessions'), { mode: 0o700 });
  writeFileSync(join(home, 'vault.json'), JSON.stringify({ v: 1, users: ['alice'], mfa: true }), { mode: 0o600 });
  writeFileSync(join(home, 'config.json'), '{"defaultEnv":"development"}', { mode: 0o600 });
  writeFileSync(join(home, 'secrets', 'development.json'), JSON.stringify({ records: { API_KEY: 'sealed…' } }), { mode: 0o600 });
  writeFileSync(join(home, 'audit', 'segments', '000000000001.jsonl'), '{"seq":1}\n{"seq":2}\n', { mode: 0o600 });
  writeFileSync(join(home, 'sessions', 's.json'), 'session', { mode: 0o600 });
  writeFileSync(join(home, '.vault.json.123.abc.tmp'), 'half a write');
  return { home, root: t.dir };
}

const keys = generateX25519KeyPair();
const recipients = [new X25519Recipient(keys.recipient)];
const identities = [new X25519Identity(keys.identity)];

describe('circle backup (core)', () => {
  it('creates, lists, verifies and restores into a wiped home, carrying the store over', async () => {
    const { home } = fakeHome();
    const store = new FileStore(join(home, 'storage'));
    const created = await createBackup({ home, store, recipients });
    expect(created.files).toBe(4);
    expect((await listBackups(store)).backups.map((b) => b.id)).toEqual([created.id]);
    expect(await verifyBackup(store, created.id, identities)).toMatchObject({ ok: true, files: 4 });

    const before = readFileSync(join(home, 'vault.json'));
    // Wipe everything but the store, which holds the backup.
    for (const name of readdirSync(home)) if (name !== 'storage') rmSync(join(home, name), { recursive: true, force: true });
    const plan = await restoreBackup({ home, store, identities, apply: false });
    expect(plan.applied).toBe(false);
    expect(plan.changes.map((c) => `${c.change} ${c.path}`)).toEqual([
      'added audit/segments/000000000001.jsonl',
      'added config.json',
      'added secrets/development.json',
      'added vault.json',
    ]);
    expect(existsSync(join(home, 'vault.json'))).toBe(false);
    const done = await restoreBackup({ home, store, identities, apply: true });
    expect(done.applied).toBe(true);
    expect(readFileSync(join(home, 'vault.json')).equals(before)).toBe(true);
    expect(statSync(join(home, 'vault.json')).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(home, 'storage', 'objects')).length).toBeGreaterThan(0);
    expect(readdirSync(join(home, '..')).filter((n) => n.includes('.restore-') || n.includes('.old-'))).toEqual([]);
  });

  it('refuses an older backup (it would drop audit entries) unless forced', async () => {
    const { home } = fakeHome();
    const store = new FileStore(join(home, 'storage'));
    const old = await createBackup({ home, store, recipients, now: new Date('2026-01-01T00:00:00Z') });
    appendFileSync(join(home, 'audit', 'segments', '000000000001.jsonl'), '{"seq":3}\n');
    await createBackup({ home, store, recipients, now: new Date('2026-01-02T00:00:00Z') });
    // The newest backup holds the whole current log: fine.
    expect((await restoreBackup({ home, store, identities, apply: false })).rollsBackAudit).toBe(false);
    expect(await codeOf(restoreBackup({ home, store, id: old.id, identities, apply: true }))).toBe('CONFLICT');
    expect(readFileSync(join(home, 'audit', 'segments', '000000000001.jsonl'), 'utf8')).toContain('seq":3');
    const forced = await restoreBackup({ home, store, id: old.id, identities, apply: true, force: true });
    expect(forced).toMatchObject({ applied: true, rollsBackAudit: true });
    expect(readFileSync(join(home, 'audit', 'segments', '000000000001.jsonl'), 'utf8')).toBe('{"seq":1}\n{"seq":2}\n');
  });

  it('can be restored with age and tar alone', async () => {
    const { home, root } = fakeHome();
    const store = new FileStore(join(root, 'store'));
    const created = await createBackup({ home, store, recipients });
    const file = join(root, 'backup.tar.age');
    const { readAll } = await import('../../../src/core/storage/index.js');
    writeFileSync(file, await readAll((await store.get(created.key)).body));
    writeFileSync(join(root, 'key.txt'), `${keys.identity}\n`, { mode: 0o600 });
    const out = join(root, 'by-hand');
    mkdirSync(out);
    // The system's age (Debian's package) when installed, else this project's own decryptor: the archive format is the same.
    const hasAge = (() => {
      try {
        execFileSync('age', ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    if (hasAge) execFileSync('sh', ['-c', `age -d -i "${join(root, 'key.txt')}" "${file}" | tar x -C "${out}"`]);
    else {
      const { decryptBuffer } = await import('../../../src/core/age/index.js');
      writeFileSync(join(root, 'backup.tar'), await decryptBuffer(readFileSync(file), identities));
      execFileSync('tar', ['xf', join(root, 'backup.tar'), '-C', out]);
    }
    expect(readFileSync(join(out, 'circle-home', 'vault.json')).equals(readFileSync(join(home, 'vault.json')))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'circle-backup.json'), 'utf8'))).toMatchObject({ id: created.id, format: 'circle-backup/1' });
    expect(existsSync(join(out, 'circle-home', 'sessions'))).toBe(false);
    expect(existsSync(join(out, 'circle-home', '.vault.json.123.abc.tmp'))).toBe(false);
  });

  it('works with a passphrase and rejects a tampered or foreign backup (exit 5) without touching the home', async () => {
    const { home } = fakeHome();
    const store = new MemoryStore();
    const created = await createBackup({ home, store, recipients: [new ScryptRecipient('correct horse battery staple', 10)] });
    const passphrase = [new ScryptIdentity('correct horse battery staple')];
    expect(await verifyBackup(store, undefined, passphrase)).toMatchObject({ ok: true });
    expect(await codeOf(verifyBackup(store, undefined, identities))).toMatch(/DECRYPT_FAILED|INTEGRITY|AUTH_FAILED/);
    const object = store.objects.get(backupKey(created.id))!;
    object.bytes[object.bytes.length - 100] = (object.bytes[object.bytes.length - 100] ?? 0) ^ 1;
    const vault = readFileSync(join(home, 'vault.json'));
    expect(await codeOf(restoreBackup({ home, store, identities: passphrase, apply: true, force: true }))).toMatch(/DECRYPT_FAILED|INTEGRITY/);
    expect(readFileSync(join(home, 'vault.json')).equals(vault)).toBe(true);
  });

  it('prunes all but the newest N', async () => {
    const { home } = fakeHome();
    const store = new MemoryStore();
    const ids: string[] = [];
    for (let day = 1; day <= 4; day++) ids.push((await createBackup({ home, store, recipients, now: new Date(`2026-02-0${day}T00:00:00Z`) })).id);
    const pruned = await pruneBackups(store, 2);
    expect(pruned.deleted).toEqual(ids.slice(0, 2));
    expect((await listBackups(store)).backups.map((b) => b.id)).toEqual(ids.slice(2));
    expect(await codeOf(pruneBackups(store, 0))).toBe('USAGE');
  });
});
