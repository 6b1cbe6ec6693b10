import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditSink } from '../../../src/core/audit/sink.js';
import { createIssuerKey, exportRevocations, getIssuerKey, issueLicense, listIssuedLicenses, listIssuerKeys, revokeLicense } from '../../../src/core/license/issuer.js';
import { termsFromFlags, type IssueFlags } from '../../../src/core/license/terms.js';
import { verifyLicense } from '../../../src/core/license/index.js';
import { VaultContext } from '../../../src/core/vault/context.js';
import { initVault } from '../../../src/core/vault/index.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';

const events: AuditEvent[] = [];
const sink: AuditSink = { record: async (e) => void events.push(e) };
const root = mkdtempSync(join(tmpdir(), 'circle-license-issuer-'));
let admin: VaultContext;
let viewer: VaultContext;
let developer: VaultContext;

beforeAll(async () => {
  admin = (await initVault(join(root, 'home'), { admin: 'alice', password: 'correct horse battery', audit: sink })).ctx;
  const data = await admin.reload();
  const as = (role: 'viewer' | 'developer') => new VaultContext({ home: admin.home, data, rootKey: admin.rootKey, actor: { type: 'user', id: role }, role, audit: sink, method: { kind: 'password' } });
  viewer = as('viewer');
  developer = as('developer');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('license issuer (vault keys, ledger, audit)', () => {
  it('keygen keeps the private key in the vault, refuses a taken name, and is audited', async () => {
    const { key } = await createIssuerKey(admin, 'rocket');
    expect(key).toMatchObject({ name: 'rocket', kid: expect.stringMatching(/^SHA256:/) });
    expect(key.pem).toContain('BEGIN PUBLIC KEY');
    await expect(createIssuerKey(admin, 'rocket')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(createIssuerKey(admin, 'Bad Name')).rejects.toMatchObject({ code: 'USAGE' });
    expect(events.filter((e) => e.action === 'license.keygen')).toEqual([expect.objectContaining({ outcome: 'success', target: 'license-key:rocket' })]);
    expect((await listIssuerKeys(viewer)).keys.map((k) => k.name)).toEqual(['rocket']);
  });

  it('only license.issue holders may make keys, issue, revoke or export (developer and viewer are denied, and that is audited)', async () => {
    for (const ctx of [viewer, developer]) {
      await expect(createIssuerKey(ctx, 'other')).rejects.toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 3 });
      await expect(issueLicense(ctx, { terms: { licensee: 'x', product: 'rocket' } })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      await expect(revokeLicense(ctx, '0'.repeat(20))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      await expect(exportRevocations(ctx, { validSeconds: 60 })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      await expect(listIssuedLicenses(ctx)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    }
    expect(events.filter((e) => e.action === 'auth.permission' && e.outcome === 'denied').length).toBeGreaterThanOrEqual(10);
  });

  it('issues a verifiable license, records it in the ledger, revokes it into a signed list', async () => {
    const now = Date.now();
    const terms = termsFromFlags({ licensee: 'Acme Ltd', product: 'rocket', entitlement: ['pro'], meta: ['order=42'], expires: '30d', grace: '7d', seats: 3 }, now);
    const issued = await issueLicense(admin, { terms, now });
    const publicKey = (await getIssuerKey(admin)).publicKey;
    expect(verifyLicense(issued.text, { publicKey })).toMatchObject({ valid: true, entitlements: ['pro'] });
    expect(issued.license).toMatchObject({ seats: 3, graceSeconds: 604_800, meta: { order: '42' }, expires: new Date(now + 30 * 86_400_000).toISOString() });

    const encrypted = await issueLicense(admin, { terms: { licensee: 'Beta', product: 'rocket' }, encrypt: true });
    expect(encrypted.licenseKey).toMatch(/^[0-9A-F]{8}(-[0-9A-F]{8}){3}$/);
    expect(verifyLicense(encrypted.text, { publicKey, licenseKey: encrypted.licenseKey! }).valid).toBe(true);

    const list = await listIssuedLicenses(admin);
    expect(list.licenses.map((l) => l.serial)).toEqual([encrypted.serial, issued.serial]);
    expect(JSON.stringify(list)).not.toContain(encrypted.licenseKey!);

    expect(await revokeLicense(admin, issued.serial, 'refund')).toMatchObject({ already: false });
    expect(await revokeLicense(admin, issued.serial)).toMatchObject({ already: true });
    await expect(revokeLicense(admin, 'f'.repeat(20))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(revokeLicense(admin, 'nope')).rejects.toMatchObject({ code: 'USAGE' });
    expect((await listIssuedLicenses(admin)).licenses.find((l) => l.serial === issued.serial)?.revoked).toMatchObject({ by: 'user:alice', reason: 'refund' });

    const exported = await exportRevocations(admin, { validSeconds: 3600 });
    expect(exported.list.serials).toEqual([issued.serial]);
    expect(verifyLicense(issued.text, { publicKey, revocations: exported.text })).toMatchObject({ valid: false, reason: 'revoked' });
    expect(verifyLicense(encrypted.text, { publicKey, licenseKey: encrypted.licenseKey!, revocations: exported.text }).valid).toBe(true);
    // Every issue, revoke and export left its entry (the second revoke changed nothing, so none).
    expect(events.filter((e) => e.action.startsWith('license.') && e.action !== 'license.keygen').map((e) => `${e.action} ${e.target}`)).toEqual([
      `license.issue license:${issued.serial}`,
      `license.issue license:${encrypted.serial}`,
      `license.revoke license:${issued.serial}`,
      'license.revocations.export license-key:rocket',
    ]);
  });

  it('with several keys, the product name or --key picks one, else it asks', async () => {
    await createIssuerKey(admin, 'comet');
    await createIssuerKey(admin, 'meteor');
    expect((await issueLicense(admin, { terms: { licensee: 'x', product: 'Comet' } })).keyName).toBe('comet');
    expect((await issueLicense(admin, { terms: { licensee: 'x', product: 'other' }, keyName: 'meteor' })).keyName).toBe('meteor');
    await expect(issueLicense(admin, { terms: { licensee: 'x', product: 'other' } })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(issueLicense(admin, { terms: { licensee: 'x', product: 'x' }, keyName: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('issue flags', () => {
  const now = Date.parse('2027-01-01T00:00:00Z');
  it('turn into terms, and bad values are usage errors naming the flag', () => {
    expect(termsFromFlags({ licensee: 'a', product: 'p', trial: '14d' }, now)).toMatchObject({ trial: true, expires: now + 14 * 86_400_000 });
    expect(termsFromFlags({ licensee: 'a', product: 'p', expires: '2027-06-30', notBefore: '2027-02-01' }, now)).toMatchObject({ expires: Date.parse('2027-06-30'), notBefore: Date.parse('2027-02-01') });
    for (const [flags, flag] of [
      [{ expires: 'soon' }, '--expires'],
      [{ trial: '14' }, '--trial'],
      [{ expires: '30d', trial: '14d' }, '--trial'],
      [{ grace: '7d' }, '--grace'],
      [{ machine: 'abc' }, '--machine'],
      [{ meta: ['novalue'] }, '--meta'],
      [{ notBefore: '2027-02-01T10:00' }, '--not-before'],
      [{ seats: 0 }, '--seats'],
    ] as [Partial<IssueFlags>, string][]) {
      expect(() => termsFromFlags({ licensee: 'a', product: 'p', ...flags }, now)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(flag) }));
    }
  });
});
