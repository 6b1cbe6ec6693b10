import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAuditEvent, pruneAuditLog, writeAuditCheckpoint } from '../../../src/core/audit/log.js';
import { auditKeysForNewVault, generateAuditKeys, loadAuditKeys, publishAuditPublicKeys } from '../../../src/core/audit/keys.js';
import { writeLegacyKeys } from './helpers.js';
import { verifyAuditLog } from '../../../src/core/audit/verify.js';
import { openDetails, detailsAad } from '../../../src/core/audit/details.js';
import { buildEntry, parseEntryLine, serializeEntry } from '../../../src/core/audit/entry.js';
import { leafHash } from '../../../src/core/audit/merkle.js';
import { openAuditSink } from '../../../src/core/audit/open-sink.js';
import { tempHome } from './helpers.js';

const homes: { cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));
function home(): string {
  const h = tempHome();
  homes.push(h);
  return h.dir;
}
const segDir = (dir: string) => join(dir, 'audit', 'segments');
const segFiles = (dir: string) => readdirSync(segDir(dir)).sort();
const event = (i: number) => ({ action: 'secrets.read', outcome: 'success' as const, actor: { type: 'user' as const, id: `u${i % 3}` }, target: `secret:dev/K${i}` });

describe('appending', () => {
  it('chains entries, seals details and verifies', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    for (let i = 0; i < 5; i++) await appendAuditEvent(dir, { ...event(i), details: { ip: '10.0.0.1', i } }, { keys });
    const lines = readFileSync(join(segDir(dir), segFiles(dir)[0]!), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    const entry = parseEntryLine(lines[2]!)!;
    expect(entry.seq).toBe(2);
    expect(lines[2]).not.toContain('10.0.0.1');
    expect(openDetails(entry.details!, keys.detailsPrivateKey, detailsAad(2))).toEqual({ ip: '10.0.0.1', i: 2 });
    expect(() => openDetails(entry.details!, keys.detailsPrivateKey, detailsAad(3))).toThrow(/decrypt/);
    const result = await verifyAuditLog(dir, { keys, deep: true });
    expect(result).toMatchObject({ ok: true, size: 5 });
  });

  it('appends, seals and checkpoints the same with a blocking fdatasync', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    for (let i = 0; i < 9; i++) await appendAuditEvent(dir, { ...event(i), details: { i } }, { keys, checkpointEvery: 4, blockingFsync: true });
    const lines = readFileSync(join(segDir(dir), segFiles(dir)[0]!), 'utf8').trim().split('\n');
    const entries = lines.map((l) => parseEntryLine(l)!);
    entries.forEach((e, i) => expect(openDetails(e.details!, keys.detailsPrivateKey, detailsAad(i))).toEqual({ i }));
    expect(new Set(entries.map((e) => e.details!.epk)).size).toBe(9);
    expect(readFileSync(join(dir, 'audit', 'checkpoints.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).size)).toEqual([4, 8]);
    expect(await verifyAuditLog(dir, { keys, deep: true })).toMatchObject({ ok: true, size: 9, checkpointsChecked: 2 });
  });

  it('cuts off a torn last line on the next append', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    await appendAuditEvent(dir, event(0), { keys });
    const file = join(segDir(dir), segFiles(dir)[0]!);
    appendFileSync(file, '{"seq":1,"prev":"00');
    expect((await verifyAuditLog(dir, { keys })).tornTailBytes).toBeGreaterThan(0);
    await appendAuditEvent(dir, event(1), { keys });
    const r = await verifyAuditLog(dir, { keys, deep: true });
    expect(r).toMatchObject({ ok: true, size: 2, tornTailBytes: 0 });
  });

  it('rotates segments and prunes to leaf hashes without breaking verification or old checkpoints', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    const opts = { keys, rotation: { maxBytes: 600 }, checkpointEvery: 1000 };
    for (let i = 0; i < 12; i++) await appendAuditEvent(dir, event(i), opts);
    expect(segFiles(dir).length).toBeGreaterThan(2);
    const early = await writeAuditCheckpoint(dir, keys);
    for (let i = 12; i < 20; i++) await appendAuditEvent(dir, event(i), opts);
    const pruned = await pruneAuditLog(dir, { keepSegments: 2 });
    expect(pruned).toBeGreaterThan(0);
    expect(statSync(join(dir, 'audit', 'pruned.leaves')).size % 32).toBe(0);
    const r = await verifyAuditLog(dir, { keys, keptCheckpoint: early.note, deep: true });
    expect(r).toMatchObject({ ok: true, size: 20, kept: { matches: true } });
    expect(r.prunedEntries).toBeGreaterThan(0);
    await appendAuditEvent(dir, event(20), opts);
    expect((await verifyAuditLog(dir, { keys })).size).toBe(21);
  });

  it('writes automatic checkpoints when given the signing key, and verify checks them', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    for (let i = 0; i < 10; i++) await appendAuditEvent(dir, event(i), { keys, checkpointEvery: 4 });
    const stored = readFileSync(join(dir, 'audit', 'checkpoints.jsonl'), 'utf8').trim().split('\n');
    expect(stored.map((l) => JSON.parse(l).size)).toEqual([4, 8]);
    const noSigning = { ...keys, signingKey: undefined };
    await appendAuditEvent(dir, event(10), { keys: noSigning, checkpointEvery: 1 });
    const r = await verifyAuditLog(dir, { keys });
    expect(r).toMatchObject({ ok: true, size: 11, checkpointsChecked: 2 });
  });

  it('the sink records nothing before the home has a log, then appends with the public keys alone', async () => {
    const dir = home();
    const sink = openAuditSink(dir);
    const ev = { action: 'auth.login', outcome: 'failure' as const, actor: { type: 'user' as const, id: 'alice' }, target: 'alice', details: { why: 'bad password' } };
    await sink.record(ev);
    expect(existsSync(join(dir, 'audit', 'segments'))).toBe(false);
    await expect(openAuditSink(dir, { whenNoLog: 'error' }).record(ev)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const keys = generateAuditKeys();
    await publishAuditPublicKeys(dir, keys);
    expect(statSync(join(dir, 'audit', 'public-keys.json')).mode & 0o777).toBe(0o600);
    await openAuditSink(dir, { checkpointEvery: 1 }).record(ev);
    const pub = await loadAuditKeys(dir);
    expect(pub.signingKey).toBeUndefined();
    expect(pub.detailsPrivateKey).toBeUndefined();
    // Public keys only: the entry is recorded, no checkpoint is signed.
    expect(await verifyAuditLog(dir, { keys: pub })).toMatchObject({ ok: true, size: 1, checkpointsChecked: 0 });
  });

  it('rotates by age, and names segments by their first sequence number', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    let t = Date.parse('2026-01-01T00:00:00Z');
    const now = () => new Date(t);
    await appendAuditEvent(dir, event(0), { keys, now });
    t += 10 * 86_400_000;
    await appendAuditEvent(dir, event(1), { keys, now, rotation: { maxAgeMs: 30 * 86_400_000 } });
    expect(segFiles(dir)).toEqual(['000000000000.jsonl']);
    t += 25 * 86_400_000;
    await appendAuditEvent(dir, event(2), { keys, now, rotation: { maxAgeMs: 30 * 86_400_000 } });
    expect(segFiles(dir)).toEqual(['000000000000.jsonl', '000000000002.jsonl']);
    expect((await verifyAuditLog(dir, { keys })).ok).toBe(true);
  });

  it('reports a missing middle segment with its position', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    for (let i = 0; i < 9; i++) await appendAuditEvent(dir, event(i), { keys, rotation: { maxBytes: 500 } });
    const files = segFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    rmSync(join(segDir(dir), files[1]!));
    const r = await verifyAuditLog(dir, { keys });
    expect(r.ok).toBe(false);
    expect(r.firstBad).toMatchObject({ kind: 'segment', seq: Number(files[1]!.slice(0, 12)) });
  });

  it('refuses legacy private keys that do not match the public ones', async () => {
    const dir = home();
    await publishAuditPublicKeys(dir, generateAuditKeys());
    const other = generateAuditKeys();
    await writeLegacyKeys(dir, other);
    await expect(auditKeysForNewVault(dir)).rejects.toThrow(/do not match/);
  });

  it('never signs a checkpoint over a history rewritten before the last signed one', async () => {
    const dir = home();
    const keys = generateAuditKeys();
    for (let i = 0; i < 6; i++) await appendAuditEvent(dir, event(i), { keys, checkpointEvery: 3 });
    // Re-hash a forged chain from entry 1 on, as an attacker without the signing key could.
    const file = join(segDir(dir), segFiles(dir)[0]!);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    let prev = leafHash(Buffer.from(lines[0]!)).toString('hex');
    for (let i = 1; i < lines.length; i++) {
      lines[i] = serializeEntry(buildEntry(i, prev, new Date(), { action: 'config.set', outcome: 'success', actor: { type: 'user', id: 'mallory' } }));
      prev = leafHash(Buffer.from(lines[i]!)).toString('hex');
    }
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    // Appending still works (the event is not lost; its automatic checkpoint is refused)...
    await appendAuditEvent(dir, event(6), { keys, checkpointEvery: 1 });
    expect(readFileSync(join(dir, 'audit', 'checkpoints.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    // ...an explicit checkpoint is refused, and verify names the rewrite.
    await expect(writeAuditCheckpoint(dir, keys)).rejects.toMatchObject({ code: 'INTEGRITY' });
    const r = await verifyAuditLog(dir, { keys });
    expect(r.ok).toBe(false);
    expect(r.firstBad).toMatchObject({ kind: 'root', seq: 0 });
  });

  it('rejects a malformed event', async () => {
    const dir = home();
    await expect(appendAuditEvent(dir, { action: 'Bad Action', outcome: 'success', actor: { type: 'user', id: 'x' } }, { keys: generateAuditKeys() })).rejects.toThrow(/Invalid audit event/);
  });
});

