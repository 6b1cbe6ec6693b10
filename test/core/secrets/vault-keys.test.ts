import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recipientOfIdentity, formatX25519Identity } from '../../../src/core/age/x25519.js';
import {
  getPersonalSecret,
  machineTokenRecipient,
  openProjectScope,
  addProjectRecipient,
  getProjectSecret,
  personalSecretsPath,
  personalSecretsRecordStore,
  rollbackPersonalSecret,
  setPersonalSecret,
  setProjectSecret,
} from '../../../src/core/secrets/index.js';
import { createMachineToken, initVault, loginWithPassword, revokeMachineToken, rotateKeys, unlockWithMachineToken, userIdentity } from '../../../src/core/vault/index.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';
const PW = 'correct horse battery';

let home: string;
let project: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'circle-sec-vault-'));
  project = mkdtempSync(join(tmpdir(), 'circle-sec-proj-'));
  mkdirSync(join(project, '.circle'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

/** Every key id a personal secrets file names (record and wrapped data key), and no values. */
function kidsIn(env: string): string[] {
  const doc = JSON.parse(readFileSync(personalSecretsPath(home, env), 'utf8'));
  const out: string[] = [];
  for (const versions of Object.values(doc.data.secrets) as { record: { kid: string; dek: { kid: string } } }[][]) {
    for (const v of versions) out.push(v.record.kid, v.record.dek.kid);
  }
  return out;
}

describe('keys rotate --reencrypt and the personal secrets store', () => {
  it('re-seals every version of every personal secret under the new key; all still read', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    await setPersonalSecret(ctx, 'dev', 'A', 'a1');
    await setPersonalSecret(ctx, 'dev', 'A', 'a2');
    await setPersonalSecret(ctx, 'prod', 'B', 'b1');
    const before = readFileSync(personalSecretsPath(home, 'dev'), 'utf8');
    expect(new Set(kidsIn('dev'))).toEqual(new Set(['k1']));
    const result = await rotateKeys(ctx, { reencrypt: true, stores: [personalSecretsRecordStore] });
    expect(result.active).toBe('k2');
    expect(result.reencrypted).toContainEqual({ store: 'personal-secrets', records: 3 });
    expect(new Set([...kidsIn('dev'), ...kidsIn('prod')])).toEqual(new Set(['k2']));
    expect(readFileSync(personalSecretsPath(home, 'dev'), 'utf8')).not.toBe(before);
    expect((await getPersonalSecret(ctx, 'dev', 'A')).value).toBe('a2');
    expect((await getPersonalSecret(ctx, 'dev', 'A', { version: 1 })).value).toBe('a1');
    expect((await getPersonalSecret(ctx, 'prod', 'B')).value).toBe('b1');
    // A fresh login (new process) reads them too, and the history survives a rollback.
    const login = await loginWithPassword(home, { user: 'alice', password: PW });
    await rollbackPersonalSecret(login.ctx, 'dev', 'A', 1);
    expect((await getPersonalSecret(login.ctx, 'dev', 'A')).value).toBe('a1');
  });

  it('without the store, personal secrets keep the old key id (the store is what re-wraps them)', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    await setPersonalSecret(ctx, 'dev', 'A', 'a1');
    await rotateKeys(ctx, { reencrypt: true });
    expect(kidsIn('dev')).toEqual(['k1', 'k1']);
    expect((await getPersonalSecret(ctx, 'dev', 'A')).value).toBe('a1');
  });

  it('an empty home has nothing to re-encrypt', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    expect(await personalSecretsRecordStore.reencryptAll(ctx)).toBe(0);
  });
});

describe('machine tokens as project recipients', () => {
  it("an admin adds a token's key; the token alone then opens the project file", async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    const { token, summary } = await createMachineToken(ctx, { name: 'gha', role: 'ci' });
    const tokenCtx = await unlockWithMachineToken(home, token);
    const tokenKey = await userIdentity(tokenCtx);
    const byName = await machineTokenRecipient(ctx, 'gha');
    expect(byName).toEqual({ id: summary.id, name: 'gha', recipient: recipientOfIdentity(formatX25519Identity(tokenKey.privateKey)) });
    expect(await machineTokenRecipient(ctx, summary.id)).toEqual(byName);

    const unlockAlice = async () => ctx;
    const { scope, createAs } = await openProjectScope({ projectRoot: project, env: 'production', unlock: unlockAlice });
    await setProjectSecret(scope, 'DB', 'prod-db', createAs === undefined ? {} : { createAs });
    await addProjectRecipient(scope, byName.name, byName.recipient, 'ci');

    const ci = await openProjectScope({ projectRoot: project, env: 'production', processEnv: {}, unlock: async () => unlockWithMachineToken(home, token) });
    expect((await getProjectSecret(ci.scope, 'DB')).value).toBe('prod-db');
    expect(ci.scope.actor).toEqual({ type: 'token', id: summary.id });
    // The vault role still applies to a key that came from the vault: a ci token reads, never writes.
    await expect(setProjectSecret(ci.scope, 'DB', 'evil')).rejects.toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 3 });
    expect((await getProjectSecret(scope, 'DB')).value).toBe('prod-db');
  });

  it('only tokens.manage may look a token up; revoked and unknown tokens are exit 4', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    await createMachineToken(ctx, { name: 'gha', role: 'ci' });
    const devToken = await createMachineToken(ctx, { name: 'dev-bot', role: 'developer' });
    const dev = { ctx: await unlockWithMachineToken(home, devToken.token) };
    await expect(machineTokenRecipient(dev.ctx, 'gha')).rejects.toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 3 });
    await revokeMachineToken(ctx, 'gha');
    await expect(machineTokenRecipient(ctx, 'gha')).rejects.toMatchObject({ code: 'NOT_FOUND', exitCode: 4 });
    await expect(machineTokenRecipient(ctx, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND', exitCode: 4 });
  });
});
