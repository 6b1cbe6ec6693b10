import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/crypto/canonical.js';
import { sha256 } from '../../../src/core/crypto/kdf.js';
import { addUser, createSession, initVault, loginWithPassword, putSystemSecret, unlockWithSession, vaultPath } from '../../../src/core/vault/index.js';
import { isCircleError } from '../../../src/core/errors.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';

let home: string;
let token: string;
let original: Buffer;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'circle-tamper-'));
  await initVault(home, { admin: 'alice', password: 'correct horse battery' });
  const { ctx } = await loginWithPassword(home, { user: 'alice', password: 'correct horse battery' });
  await addUser(ctx, { name: 'bob', role: 'developer', password: 'another passphrase' });
  await putSystemSecret(ctx, 'audit.signing-key', Buffer.from('a'.repeat(32)));
  await putSystemSecret(ctx, 'audit.details-key', Buffer.from('b'.repeat(32)));
  token = (await createSession(ctx)).token;
  original = await readFile(vaultPath(home));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function exitCodeOfUnlock(): Promise<number> {
  try {
    await unlockWithSession(home, token);
    return 0;
  } catch (error) {
    if (isCircleError(error)) return error.exitCode;
    throw error;
  }
}

describe('vault tamper detection', () => {
  it('unlocks the untouched vault', async () => {
    await writeFile(vaultPath(home), original);
    expect(await exitCodeOfUnlock()).toBe(0);
  });

  it('any flipped byte, at any position, is exit 5 and the file is left as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (pos, xor) => {
        const bad = Buffer.from(original);
        bad[pos]! ^= xor;
        await writeFile(vaultPath(home), bad);
        expect(await exitCodeOfUnlock()).toBe(5);
        expect((await readFile(vaultPath(home))).equals(bad)).toBe(true);
      }),
      { numRuns: 300 },
    );
    await writeFile(vaultPath(home), original);
  });

  it('swapping two encrypted records is detected even with a recomputed checksum', async () => {
    const doc = JSON.parse(original.toString('utf8')) as { data: Record<string, unknown> & { records: Record<string, unknown>; mac: string; checksum: string } };
    const records = doc.data.records;
    const a = 'system/audit.signing-key';
    const b = 'system/audit.details-key';
    [records[a], records[b]] = [records[b], records[a]];
    const { checksum: _c, ...withMac } = doc.data;
    doc.data.checksum = sha256(canonicalJson(withMac)).toString('hex');
    const bytes = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
    await writeFile(vaultPath(home), bytes);
    expect(await exitCodeOfUnlock()).toBe(5);
    expect((await readFile(vaultPath(home))).equals(bytes)).toBe(true);
    await writeFile(vaultPath(home), original);
  });
});
