import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordLoginFailure, lockedUntil } from '../../../src/core/auth/lockout.js';
import { checkPassword, passwordExpired } from '../../../src/core/auth/password-policy.js';
import { ROLES, roleHas, PERMISSIONS } from '../../../src/core/auth/permissions.js';
import {
  addUser, createMachineToken, createSession, initVault, loginWithPassword, removeUser, revokeMachineToken, setUserLocked, setUserRole, unlockWithMachineToken, unlockWithSession, vaultPath,
} from '../../../src/core/vault/index.js';
import type { AuditEvent } from '../../../src/core/audit/sink.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';
const PW = 'correct horse battery';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'circle-auth-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('permissions', () => {
  it('only admin manages users and tokens; viewer and ci cannot write', () => {
    for (const role of ROLES) {
      expect(roleHas(role, 'users.manage')).toBe(role === 'admin');
      expect(roleHas(role, 'tokens.manage')).toBe(role === 'admin');
    }
    expect(PERMISSIONS.filter((p) => roleHas('viewer', p)).every((p) => p.endsWith('.read'))).toBe(true);
    expect(PERMISSIONS.filter((p) => roleHas('ci', p))).toEqual(['secrets.read', 'config.read', 'scan.run', 'pkg.install']);
  });
});

describe('password policy', () => {
  it('rejects short, common and name-containing passwords', () => {
    expect(() => checkPassword('short', 'alice')).toThrow(/shorter/);
    expect(() => checkPassword('password1234', 'alice')).toThrow(/common/);
    expect(() => checkPassword('alice is great!!', 'alice')).toThrow(/user name/);
    expect(() => checkPassword('a fine long passphrase', 'alice')).not.toThrow();
    expect(passwordExpired('2020-01-01T00:00:00Z', { minLength: 12, maxLength: 99 })).toBe(false);
    expect(passwordExpired('2020-01-01T00:00:00Z', { minLength: 12, maxLength: 99, maxAgeDays: 90 })).toBe(true);
  });
});

describe('lockout', () => {
  it('counts concurrent failures under the lock and lifts after the window', async () => {
    const policy = { maxFailures: 5, windowMs: 60_000, lockoutMs: 60_000 };
    const now = new Date('2030-01-01T00:00:00Z');
    await Promise.all(Array.from({ length: 5 }, () => recordLoginFailure(home, 'alice', policy, now)));
    expect((await lockedUntil(home, 'alice', now))?.toISOString()).toBe('2030-01-01T00:01:00.000Z');
    expect(await lockedUntil(home, 'alice', new Date('2030-01-01T00:01:01Z'))).toBeUndefined();
  });

  it('login reports the lockout and audits failures', async () => {
    await initVault(home, { admin: 'alice', password: PW });
    const events: AuditEvent[] = [];
    const audit = { record: async (e: AuditEvent) => void events.push(e) };
    for (let i = 0; i < 4; i++) await expect(loginWithPassword(home, { user: 'alice', password: 'nope nope nope', audit })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(loginWithPassword(home, { user: 'alice', password: 'nope nope nope', audit })).rejects.toMatchObject({ code: 'AUTH_LOCKED', exitCode: 3 });
    await expect(loginWithPassword(home, { user: 'alice', password: PW, audit })).rejects.toMatchObject({ code: 'AUTH_LOCKED' });
    expect(events.filter((e) => e.action === 'auth.login' && e.outcome === 'failure')).toHaveLength(5);
    expect(events.some((e) => e.action === 'auth.lockout')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('nope nope');
  });
});

describe('sessions and tokens expire', () => {
  it('rejects an idle, an absolutely expired, and a removed user\'s session', async () => {
    await initVault(home, { admin: 'alice', password: PW });
    const { ctx } = await loginWithPassword(home, { user: 'alice', password: PW });
    const t0 = new Date('2030-01-01T00:00:00Z');
    const s = await createSession(ctx, { idleMs: 60_000, absoluteMs: 120_000 }, t0);
    await expect(unlockWithSession(home, s.token, { now: new Date(t0.getTime() + 30_000) })).resolves.toBeDefined();
    await expect(unlockWithSession(home, s.token, { now: new Date(t0.getTime() + 200_000) })).rejects.toMatchObject({ code: 'SESSION_EXPIRED', exitCode: 3 });
    const s2 = await createSession(ctx, { idleMs: 60_000, absoluteMs: 3_600_000 }, t0);
    await expect(unlockWithSession(home, s2.token, { now: new Date(t0.getTime() + 61_000) })).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    const forged = s2.token.slice(0, -4) + 'AAAA';
    await expect(unlockWithSession(home, forged)).rejects.toMatchObject({ exitCode: 3 });
  });

  it('rejects an expired machine token', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    const { token } = await createMachineToken(ctx, { name: 'ci', role: 'ci', expiresAt: new Date(Date.now() + 60_000) });
    await expect(unlockWithMachineToken(home, token)).resolves.toBeDefined();
    await expect(unlockWithMachineToken(home, token, { now: new Date(Date.now() + 120_000) })).rejects.toMatchObject({ code: 'TOKEN_INVALID', exitCode: 3 });
  });
});

describe('users', () => {
  it('removal re-keys: the removed user cannot log in, others and tokens still can', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    await addUser(ctx, { name: 'bob', role: 'developer', password: 'robert passphrase' });
    const { token } = await createMachineToken(ctx, { name: 'ci', role: 'ci' });
    const before = JSON.parse(await readFile(vaultPath(home), 'utf8')) as { data: { generation: number; keyring: { active: string } } };
    await removeUser(ctx, 'bob');
    const after = JSON.parse(await readFile(vaultPath(home), 'utf8')) as { data: { generation: number; keyring: { active: string } } };
    expect(after.data.generation).toBe(before.data.generation + 1);
    expect(after.data.keyring.active).not.toBe(before.data.keyring.active);
    await expect(loginWithPassword(home, { user: 'bob', password: 'robert passphrase' })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(loginWithPassword(home, { user: 'alice', password: PW })).resolves.toBeDefined();
    await expect(unlockWithMachineToken(home, token)).resolves.toBeDefined();
    await expect(removeUser(ctx, 'alice')).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('names every object has (constructor, toString, __proto__) are users like any other, or no user at all', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      // These used to find Object.prototype's members and end in TypeErrors (exit 10).
      await expect(loginWithPassword(home, { user: name, password: PW })).rejects.toMatchObject({ code: 'AUTH_FAILED', exitCode: 3 });
      await expect(setUserLocked(ctx, name, true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(revokeMachineToken(ctx, name)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    await addUser(ctx, { name: 'constructor', role: 'developer', password: 'robert passphrase' });
    const user = await loginWithPassword(home, { user: 'constructor', password: 'robert passphrase', allowPasswordChange: true });
    expect(user.ctx.actor.id).toBe('constructor');
  });

  it('locks, changes roles, and keeps the last admin', async () => {
    const { ctx } = await initVault(home, { admin: 'alice', password: PW });
    await expect(setUserRole(ctx, 'alice', 'viewer')).rejects.toMatchObject({ code: 'CONFLICT' });
    await addUser(ctx, { name: 'bob', role: 'developer', password: 'robert passphrase' });
    await setUserLocked(ctx, 'bob', true);
    await expect(loginWithPassword(home, { user: 'bob', password: 'robert passphrase', allowPasswordChange: true })).rejects.toMatchObject({ code: 'AUTH_LOCKED' });
    await setUserLocked(ctx, 'bob', false);
    const bob = await loginWithPassword(home, { user: 'bob', password: 'robert passphrase', allowPasswordChange: true });
    await expect(bob.ctx.require('users.manage')).rejects.toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 3 });
  });

  it('upgrades weaker Argon2id parameters on login', async () => {
    await initVault(home, { admin: 'alice', password: PW });
    process.env.CIRCLE_ARGON2_MEMORY_KIB = '2048';
    try {
      const r = await loginWithPassword(home, { user: 'alice', password: PW });
      expect(r.kdfUpgraded).toBe(true);
      const doc = JSON.parse(await readFile(vaultPath(home), 'utf8')) as { data: { users: { alice: { password: { kdf: { memoryKiB: number } } } } } };
      expect(doc.data.users.alice.password.kdf.memoryKiB).toBe(2048);
      expect((await loginWithPassword(home, { user: 'alice', password: PW })).kdfUpgraded).toBe(false);
    } finally {
      process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
    }
  });
});
