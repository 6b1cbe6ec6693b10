import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initVault, loginWithPassword, createSession, unlockWithSession, sealRecord, openRecord, rotateKeys, addUser, removeUser, userIdentity, putSystemSecret, getSystemSecret, createMachineToken, unlockWithMachineToken, revokeMachineToken } from '../../../src/core/vault/index.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'circle-vault-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const PW = 'correct horse battery';

describe('vault flow', () => {
  it('init, login, session, records, rotation, removal', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    await expect(initVault(home, { admin: 'alice', password: PW })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const login = await loginWithPassword(home, { user: 'alice', password: PW });
    expect(login.ctx.role).toBe('admin');
    await expect(loginWithPassword(home, { user: 'alice', password: 'wrong password!!' })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    const session = await createSession(login.ctx);
    const sctx = await unlockWithSession(home, session.token);
    const ref = { kind: 'secret', id: 'prod/DB', version: 1 };
    const sealed = sealRecord(sctx, ref, Buffer.from('s3cret'));
    expect((await openRecord(sctx, ref, sealed)).toString()).toBe('s3cret');
    await expect(openRecord(sctx, { ...ref, version: 2 }, sealed)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await rotateKeys(sctx, { reencrypt: true });
    expect((await openRecord(sctx, ref, sealed)).toString()).toBe('s3cret');
    await putSystemSecret(sctx, 'audit.key', Buffer.from('k'));
    expect((await getSystemSecret(sctx, 'audit.key'))?.toString()).toBe('k');
    await addUser(sctx, { name: 'bob', role: 'viewer', password: 'viewer pass 1234' });
    const id = await userIdentity(sctx);
    expect(id.publicKey.length).toBe(32);
    await removeUser(sctx, 'bob');
    // The session was re-sealed with the new root key.
    const again = await unlockWithSession(home, session.token);
    expect((await getSystemSecret(again, 'audit.key'))?.toString()).toBe('k');
    const { token } = await createMachineToken(again, { name: 'ci', role: 'ci' });
    const tctx = await unlockWithMachineToken(home, token);
    expect(tctx.role).toBe('ci');
    await expect(tctx.require('secrets.write')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await revokeMachineToken(again, 'ci');
    await expect(unlockWithMachineToken(home, token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    void ctx;
    // The root key, session secret and machine token appear in no file in clear (any common encoding).
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    const needles = [again.rootKey.toString('base64'), again.rootKey.toString('hex'), again.rootKey.toString('base64url'), // The secret is the last 43 characters (base64url may itself contain '_', so no split).
      token.slice(-43)];
    for (const file of walk(home)) {
      if (file.endsWith('session.token')) continue;
      const text = readFileSync(file, 'latin1');
      for (const needle of needles) expect(text.includes(needle)).toBe(false);
      expect(readFileSync(file).includes(again.rootKey)).toBe(false);
    }
    expect(JSON.stringify(again)).not.toContain(again.rootKey.toString('base64'));
  });
});
