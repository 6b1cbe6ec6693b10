import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUDIT_DETAILS_SECRET,
  AUDIT_SIGNING_SECRET,
  ensureAuditKeys,
  generateAuditKeys,
  loadAuditKeys,
  loadAuditPublicKeys,
  publishAuditPublicKeys,
  verifierKeyString,
} from '../../../src/core/audit/keys.js';
import { openAuditSink } from '../../../src/core/audit/open-sink.js';
import { verifyAuditLog } from '../../../src/core/audit/verify.js';
import { readAuditEntries, revealDetails } from '../../../src/core/audit/query.js';
import { initVault, getSystemSecret, ROLES, roleHas } from '../../../src/core/vault/index.js';
import { deleteInternal } from '../../../src/core/vault/internal-records.js';
import { updateVault } from '../../../src/core/vault/store.js';
import type { VaultContext } from '../../../src/core/vault/context.js';
import { tempHome, writeLegacyKeys } from './helpers.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';
const PW = 'correct horse battery';

const homes: { cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));
function home(): string {
  const h = tempHome();
  homes.push(h);
  return h.dir;
}

async function dropVaultAuditSecrets(ctx: VaultContext): Promise<void> {
  await updateVault(ctx.keys, (current) => {
    for (const name of [AUDIT_DETAILS_SECRET, AUDIT_SIGNING_SECRET, 'audit.origin']) deleteInternal(current, 'system', name);
    return { body: current, result: undefined };
  });
}

describe('audit keys live in the vault', () => {
  it('only admin and maintainer may sign checkpoints; every role that reads may read details', () => {
    expect(ROLES.filter((r) => roleHas(r, 'audit.checkpoint'))).toEqual(['admin', 'maintainer']);
    expect(ROLES.filter((r) => roleHas(r, 'audit.read'))).toEqual(['admin', 'maintainer', 'developer', 'viewer']);
  });

  it('init makes them: public halves in clear, private halves only in the vault', async () => {
    const dir = home();
    const { ctx } = await initVault(dir, { admin: 'alice', password: PW, audit: openAuditSink(dir) });
    expect(existsSync(join(dir, 'audit-keys.json'))).toBe(false);
    const pub = await loadAuditPublicKeys(dir);
    expect(pub).toBeDefined();
    expect(readFileSync(join(dir, 'audit', 'public-keys.json'), 'utf8')).not.toMatch(/"d"|Private/i);
    expect((await getSystemSecret(ctx, AUDIT_SIGNING_SECRET))?.length).toBe(32);
    expect((await getSystemSecret(ctx, AUDIT_DETAILS_SECRET))?.length).toBe(32);
    expect((await loadAuditKeys(dir)).signingKey).toBeUndefined();
    const full = await loadAuditKeys(dir, ctx);
    expect(full.signingKey).toBeDefined();
    expect(verifierKeyString(full)).toBe(verifierKeyString(pub!));
    // auth.init was recorded, and its details open with the vault's key.
    const { entries } = await readAuditEntries(dir);
    expect(entries.map((e) => e.action)).toEqual(['auth.init']);
  });

  it('a sink given an unlocked context signs automatic checkpoints; one without does not', async () => {
    const dir = home();
    const { ctx } = await initVault(dir, { admin: 'alice', password: PW });
    const locked = openAuditSink(dir, { checkpointEvery: 1 });
    await locked.record({ action: 'auth.login', outcome: 'failure', actor: { type: 'user', id: 'bob' }, target: 'bob', details: { reason: 'password' } });
    expect((await verifyAuditLog(dir, { keys: (await loadAuditPublicKeys(dir))! })).checkpointsChecked).toBe(0);
    const unlocked = openAuditSink(dir, { checkpointEvery: 1 });
    unlocked.useVault(ctx);
    await unlocked.record({ action: 'keys.rotate', outcome: 'success', actor: ctx.auditActor, target: 'k2' });
    const result = await verifyAuditLog(dir, { keys: (await loadAuditPublicKeys(dir))! });
    expect(result).toMatchObject({ ok: true, size: 2 });
    expect(result.checkpointsChecked).toBeGreaterThan(0);
    const keys = await loadAuditKeys(dir, ctx);
    const { entries } = await readAuditEntries(dir);
    expect(revealDetails(entries[0]!, keys).details).toEqual({ reason: 'password' });
  });

  it('moves a legacy audit-keys.json into the vault on the next unlocked use, vault first, then deletes it', async () => {
    const dir = home();
    const { ctx } = await initVault(dir, { admin: 'alice', password: PW });
    const before = verifierKeyString((await loadAuditPublicKeys(dir))!);
    // Simulate a home from before: the private halves in the legacy file, none in the vault.
    const old = await loadAuditKeys(dir, ctx);
    await dropVaultAuditSecrets(ctx);
    await writeLegacyKeys(dir, old as Required<typeof old>);
    expect(await getSystemSecret(ctx, AUDIT_SIGNING_SECRET)).toBeUndefined();
    // Reading still works from the legacy file until the move.
    expect((await loadAuditKeys(dir, ctx)).signingKey).toBeDefined();
    const moved = await ensureAuditKeys(ctx);
    expect(moved.signingKey).toBeDefined();
    expect(existsSync(join(dir, 'audit-keys.json'))).toBe(false);
    expect((await getSystemSecret(ctx, AUDIT_SIGNING_SECRET))?.length).toBe(32);
    expect(verifierKeyString((await loadAuditPublicKeys(dir))!)).toBe(before);
    expect((await loadAuditKeys(dir, ctx)).signingKey).toBeDefined();
  });

  it('init adopts a legacy key set, keeping the log identity', async () => {
    const dir = home();
    const legacy = generateAuditKeys();
    await publishAuditPublicKeys(dir, legacy);
    await writeLegacyKeys(dir, legacy);
    const { ctx } = await initVault(dir, { admin: 'alice', password: PW });
    expect(existsSync(join(dir, 'audit-keys.json'))).toBe(false);
    expect((await loadAuditKeys(dir, ctx)).origin).toBe(legacy.origin);
  });

  it('init refuses a home whose log has lost its private keys, changing nothing', async () => {
    const dir = home();
    await publishAuditPublicKeys(dir, generateAuditKeys());
    await expect(initVault(dir, { admin: 'alice', password: PW })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(existsSync(join(dir, 'vault.json'))).toBe(false);
  });

  it('re-publishes a lost public-keys file from the vault with the same identity', async () => {
    const dir = home();
    const { ctx } = await initVault(dir, { admin: 'alice', password: PW });
    const before = verifierKeyString((await loadAuditPublicKeys(dir))!);
    rmSync(join(dir, 'audit', 'public-keys.json'));
    await ensureAuditKeys(ctx);
    expect(verifierKeyString((await loadAuditPublicKeys(dir))!)).toBe(before);
  });
});
