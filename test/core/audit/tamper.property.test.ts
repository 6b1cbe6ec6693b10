import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_PREV, buildEntry, serializeEntry } from '../../../src/core/audit/entry.js';
import { generateAuditKeys } from '../../../src/core/audit/keys.js';
import { appendAuditEvent, writeAuditCheckpoint } from '../../../src/core/audit/log.js';
import { leafHash } from '../../../src/core/audit/merkle.js';
import { verifyAuditLog } from '../../../src/core/audit/verify.js';

/**
 * For a real log with a checkpoint kept outside the home, every kind of tampering
 * must be reported by verify with the position of the first altered entry.
 */

const N = 24;
const keys = generateAuditKeys();
let base: string;
let kept: string;
let pristine: string[];
let segment: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'circle-audit-base-'));
  for (let i = 0; i < N; i++) {
    await appendAuditEvent(base, { action: i % 2 ? 'auth.login' : 'secrets.read', outcome: 'success', actor: { type: 'user', id: `u${i % 4}` }, target: `t${i}`, ...(i % 3 ? {} : { details: { i } }) }, { keys, checkpointEvery: 1 });
  }
  kept = (await writeAuditCheckpoint(base, keys)).note;
  segment = readdirSync(join(base, 'audit', 'segments'))[0]!;
  pristine = readFileSync(join(base, 'audit', 'segments', segment), 'utf8').trim().split('\n');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function verifyMutated(lines: string[], options: { dropStoredCheckpoints?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'circle-audit-mut-'));
  try {
    cpSync(base, dir, { recursive: true });
    writeFileSync(join(dir, 'audit', 'segments', segment), lines.map((l) => `${l}\n`).join(''));
    if (options.dropStoredCheckpoints) rmSync(join(dir, 'audit', 'checkpoints.jsonl'));
    return await verifyAuditLog(dir, { keys, keptCheckpoint: kept });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function forgeTail(from: number): string[] {
  const out = pristine.slice(0, from);
  let prev = from === 0 ? GENESIS_PREV : leafHash(Buffer.from(out[from - 1]!)).toString('hex');
  for (let seq = from; seq < N; seq++) {
    const line = serializeEntry(buildEntry(seq, prev, new Date(), { action: 'config.set', outcome: 'success', actor: { type: 'user', id: 'mallory' }, target: `forged${seq}` }));
    out.push(line);
    prev = leafHash(Buffer.from(line)).toString('hex');
  }
  return out;
}

const position = fc.integer({ min: 0, max: N - 1 });
const runs = { numRuns: 25 };

describe('verify --checkpoint reports tampering at the right position', () => {
  it('the untouched log verifies against the kept checkpoint', async () => {
    const r = await verifyMutated(pristine);
    expect(r).toMatchObject({ ok: true, size: N, kept: { size: N, matches: true } });
  });

  it('editing an entry', async () => {
    await fc.assert(
      fc.asyncProperty(position, async (p) => {
        const lines = [...pristine];
        lines[p] = lines[p]!.replace(`"target":"t${p}"`, `"target":"x${p}"`);
        const r = await verifyMutated(lines);
        expect(r.ok).toBe(false);
        expect(r.firstBad?.seq).toBe(p);
        expect(r.firstBad?.segment).toBe(segment);
      }),
      runs,
    );
  });

  it('deleting an entry', async () => {
    await fc.assert(
      fc.asyncProperty(position, async (p) => {
        const lines = pristine.filter((_, i) => i !== p);
        const r = await verifyMutated(lines);
        expect(r.ok).toBe(false);
        expect(r.firstBad?.seq).toBe(p);
      }),
      runs,
    );
  });

  it('reordering two entries', async () => {
    await fc.assert(
      fc.asyncProperty(position, position, async (a, b) => {
        fc.pre(a !== b);
        const lines = [...pristine];
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        const r = await verifyMutated(lines);
        expect(r.ok).toBe(false);
        expect(r.firstBad?.seq).toBe(Math.min(a, b));
      }),
      runs,
    );
  });

  it('truncating the log', async () => {
    await fc.assert(
      fc.asyncProperty(position, async (k) => {
        const r = await verifyMutated(pristine.slice(0, k));
        expect(r.ok).toBe(false);
        expect(r.firstBad?.seq).toBe(k);
      }),
      runs,
    );
  });

  it('replacing the tail with a re-hashed forgery', async () => {
    await fc.assert(
      fc.asyncProperty(position, async (p) => {
        const r = await verifyMutated(forgeTail(p));
        expect(r.ok).toBe(false);
        expect(r.firstBad?.seq).toBe(p);
        expect(r.firstBad?.kind).toBe('root');
      }),
      runs,
    );
  });

  it('with the stored checkpoints deleted too, the kept checkpoint still catches every forgery, no later than its start', async () => {
    await fc.assert(
      fc.asyncProperty(position, async (p) => {
        const r = await verifyMutated(forgeTail(p), { dropStoredCheckpoints: true });
        expect(r.ok).toBe(false);
        expect(r.firstBad!.seq).toBeLessThanOrEqual(p);
        expect(r.kept?.matches).toBe(false);
      }),
      runs,
    );
  });

  it('with only the kept checkpoint, edits before the last entry are still pinned exactly by the chain', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: N - 2 }), async (p) => {
        const lines = [...pristine];
        lines[p] = lines[p]!.replace('"outcome":"success"', '"outcome":"denied"');
        const r = await verifyMutated(lines, { dropStoredCheckpoints: true });
        expect(r.firstBad?.seq).toBe(p);
      }),
      runs,
    );
  });
});
