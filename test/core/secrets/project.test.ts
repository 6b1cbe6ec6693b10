import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { X25519Identity, generateX25519KeyPair } from '../../../src/core/age/x25519.js';
import type { AuditEvent } from '../../../src/core/audit/sink.js';
import {
  addProjectRecipient,
  createProjectCiKey,
  getProjectSecret,
  listProjectRecipients,
  listProjectSecrets,
  projectIdentities,
  projectSecretHistory,
  projectSecretsPath,
  readProjectSecrets,
  rekeyProjectSecrets,
  removeProjectRecipient,
  removeProjectSecret,
  rollbackProjectSecret,
  setProjectSecret,
  setProjectSecrets,
  type ProjectScope,
} from '../../../src/core/secrets/index.js';

let root: string;
const alice = new X25519Identity(generateX25519KeyPair().identity);
const bob = new X25519Identity(generateX25519KeyPair().identity);
let events: AuditEvent[];
const scope = (who: X25519Identity[], env = 'production'): ProjectScope => ({
  projectRoot: root,
  env,
  identities: who,
  audit: { record: async (e) => void events.push(e) },
});
const file = (env = 'production') => projectSecretsPath(root, env);
const edit = (fn: (doc: any) => void, env = 'production') => {
  const doc = JSON.parse(readFileSync(file(env), 'utf8'));
  fn(doc);
  writeFileSync(file(env), JSON.stringify(doc));
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'circle-proj-'));
  mkdirSync(join(root, '.circle'));
  events = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('project secrets', () => {
  it('set, get, list, history, rollback, rm; every read and write audited', async () => {
    await setProjectSecret(scope([alice]), 'DB_URL', 'one', { createAs: 'alice' });
    await setProjectSecret(scope([alice]), 'DB_URL', 'two');
    await setProjectSecret(scope([alice]), 'API_KEY', 'k');
    expect((await getProjectSecret(scope([alice]), 'DB_URL')).value).toBe('two');
    expect((await getProjectSecret(scope([alice]), 'DB_URL', { version: 1 })).value).toBe('one');
    const list = await listProjectSecrets(scope([alice]));
    expect(list.map((s) => [s.name, s.version, s.updatedBy])).toEqual([['API_KEY', 1, 'alice'], ['DB_URL', 2, 'alice']]);
    expect(JSON.stringify(list)).not.toContain('two');
    expect((await projectSecretHistory(scope([alice]), 'DB_URL')).map((h) => h.version)).toEqual([2, 1]);
    const rolled = await rollbackProjectSecret(scope([alice]), 'DB_URL', 1);
    expect(rolled.version).toBe(3);
    expect((await getProjectSecret(scope([alice]), 'DB_URL')).value).toBe('one');
    await removeProjectSecret(scope([alice]), 'API_KEY');
    await expect(getProjectSecret(scope([alice]), 'API_KEY')).rejects.toMatchObject({ exitCode: 4 });
    expect(events.map((e) => e.action)).toContain('secrets.read');
    expect(events.filter((e) => e.action === 'secrets.write')).toHaveLength(3);
    expect(events.find((e) => e.outcome === 'failure')?.target).toBe('secret:project/production/API_KEY');
    expect(JSON.stringify(events)).not.toMatch(/"one"|"two"/);
  });

  it('keeps names sorted one per line and values out of the file', async () => {
    await setProjectSecrets(scope([alice]), { ZED: 'zzz-secret', ALPHA: 'aaa-secret' }, { createAs: 'alice' });
    const text = readFileSync(file(), 'utf8');
    expect(text).not.toContain('zzz-secret');
    const lines = text.split('\n');
    expect(lines.findIndex((l) => l.includes('"ALPHA"'))).toBeLessThan(lines.findIndex((l) => l.includes('"ZED"')));
    expect(lines.filter((l) => l.includes('"ALPHA"') || l.includes('"ZED"'))).toHaveLength(2);
  });

  it('adds and removes recipients; a removed member cannot read; removal re-keys', async () => {
    await setProjectSecret(scope([alice]), 'S', 'v', { createAs: 'alice' });
    await expect(getProjectSecret(scope([bob]), 'S')).rejects.toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 3 });
    await addProjectRecipient(scope([alice]), 'bob', bob.recipient);
    expect((await getProjectSecret(scope([bob]), 'S')).value).toBe('v');
    const before = JSON.parse(readFileSync(file(), 'utf8'));
    await removeProjectRecipient(scope([alice]), 'bob');
    await expect(getProjectSecret(scope([bob]), 'S')).rejects.toMatchObject({ exitCode: 3 });
    // bob's old wrap (kept from before) opens the old file key, which no longer opens anything.
    edit((doc) => {
      doc.recipients.bob = before.recipients.bob;
    });
    await expect(getProjectSecret(scope([bob]), 'S')).rejects.toMatchObject({ exitCode: 5 });
    edit((doc) => delete doc.recipients.bob);
    await expect(removeProjectRecipient(scope([alice]), 'alice')).rejects.toMatchObject({ exitCode: 2 });
    expect((await listProjectRecipients(scope([alice]))).map((r) => r.label)).toEqual(['alice']);
  });

  it('a CI key decrypts from CIRCLE_KEY_<ENV> alone', async () => {
    await setProjectSecret(scope([alice]), 'TOKEN', 't0k', { createAs: 'alice' });
    const ci = await createProjectCiKey(scope([alice]));
    expect(ci.envVar).toBe('CIRCLE_KEY_PRODUCTION');
    const ids = await projectIdentities('production', { processEnv: { CIRCLE_KEY_PRODUCTION: ci.identity } });
    expect(await readProjectSecrets(scope(ids))).toEqual({ TOKEN: 't0k' });
    expect(await projectIdentities('my-env.1', { processEnv: { CIRCLE_KEY_MY_ENV_1: ci.identity } })).toHaveLength(1);
  });

  it('re-keying keeps every value and history', async () => {
    await setProjectSecret(scope([alice]), 'A', '1', { createAs: 'alice' });
    await setProjectSecret(scope([alice]), 'A', '2');
    const oldMac = JSON.parse(readFileSync(file(), 'utf8')).recipientsMac;
    await rekeyProjectSecrets(scope([alice]));
    expect(JSON.parse(readFileSync(file(), 'utf8')).recipientsMac).not.toBe(oldMac);
    expect((await getProjectSecret(scope([alice]), 'A', { version: 1 })).value).toBe('1');
  });
});

describe('tampering fails with exit 5', () => {
  beforeEach(async () => {
    await setProjectSecrets(scope([alice]), { A: 'alpha', B: 'beta' }, { createAs: 'alice' });
    await addProjectRecipient(scope([alice]), 'bob', bob.recipient);
  });
  const rejects5 = () => expect(listProjectSecrets(scope([alice]))).rejects.toMatchObject({ exitCode: 5 });

  it('a recipient removed by hand', async () => {
    edit((doc) => delete doc.recipients.bob);
    await rejects5();
  });
  it('a recipient added by hand (with a copied wrap)', async () => {
    edit((doc) => {
      doc.recipients.mallory = { ...doc.recipients.bob, key: generateX25519KeyPair().recipient };
    });
    await rejects5();
  });
  it('a recipient kind changed', async () => {
    edit((doc) => {
      doc.recipients.bob.kind = 'ci';
    });
    await rejects5();
  });
  it('values swapped between names', async () => {
    edit((doc) => {
      [doc.secrets.A, doc.secrets.B] = [doc.secrets.B, doc.secrets.A];
    });
    await rejects5();
    await expect(getProjectSecret(scope([alice]), 'A')).rejects.toMatchObject({ exitCode: 5 });
  });
  it('metadata (version, author) edited', async () => {
    edit((doc) => {
      doc.secrets.A[0].by = 'bob';
    });
    await rejects5();
  });
  it('a ciphertext bit flipped', async () => {
    edit((doc) => {
      const ct = Buffer.from(doc.secrets.B[0].ct, 'base64');
      ct[0]! ^= 1;
      doc.secrets.B[0].ct = ct.toString('base64');
    });
    await rejects5();
  });
  it('a file copied to another environment', async () => {
    copyFileSync(file(), file('staging'));
    await expect(listProjectSecrets(scope([alice], 'staging'))).rejects.toMatchObject({ exitCode: 5 });
  });
  it('junk JSON', async () => {
    writeFileSync(file(), '{"format": 1');
    await rejects5();
  });
  it('and writes refuse to touch a tampered file', async () => {
    edit((doc) => delete doc.recipients.bob);
    const before = readFileSync(file(), 'utf8');
    await expect(setProjectSecret(scope([alice]), 'C', 'x')).rejects.toMatchObject({ exitCode: 5 });
    expect(readFileSync(file(), 'utf8')).toBe(before);
  });
});
