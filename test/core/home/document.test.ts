import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCircleError } from '../../../src/core/errors.js';
import { parseDocument, readDocument, serializeDocument, updateDocument, type DocumentKind } from '../../../src/core/home/document.js';
import { tempDir } from '../../helpers/cli.js';

const counterV2: DocumentKind<{ count: number; label: string }> = {
  format: 'test-counter',
  version: 2,
  schema: z.strictObject({ count: z.number().int(), label: z.string() }),
  migrations: { 1: (data) => ({ ...(data as { count: number }), label: 'migrated' }) },
};

describe('versioned documents', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const file = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return join(t.dir, 'counter.json');
  };

  it('round-trips through serialize and parse', () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), (count, label) => {
        const bytes = Buffer.from(serializeDocument(counterV2, { count, label }));
        expect(parseDocument(counterV2, 'f', bytes).data).toEqual({ count, label });
      }),
    );
  });

  it('migrates an old version and keeps a backup of the old file', async () => {
    const f = file();
    const old = JSON.stringify({ format: 'test-counter', version: 1, data: { count: 1 } });
    writeFileSync(f, old);
    await updateDocument(counterV2, f, (current) => ({ ...current!, count: current!.count + 1 }));
    expect(await readDocument(counterV2, f)).toEqual({ count: 2, label: 'migrated' });
    expect(readFileSync(`${f}.v1.bak`, 'utf8')).toBe(old);
  });

  it('refuses a file from a newer version and leaves it untouched', async () => {
    const f = file();
    const newer = JSON.stringify({ format: 'test-counter', version: 3, data: {} });
    writeFileSync(f, newer);
    const error = await updateDocument(counterV2, f, () => ({ count: 0, label: '' })).catch((e: unknown) => e);
    expect(isCircleError(error) && error.exitCode).toBe(5);
    expect(readFileSync(f, 'utf8')).toBe(newer);
  });

  it('reports every truncation of a valid file as corrupt (exit 5) without rewriting it', async () => {
    const bytes = Buffer.from(serializeDocument(counterV2, { count: 42, label: 'x' }));
    for (let cut = 0; cut < bytes.length - 1; cut++) {
      // A truncation that still parses must still fail the schema or envelope checks.
      const truncated = bytes.subarray(0, cut);
      let error: unknown;
      try {
        parseDocument(counterV2, 'f', truncated);
      } catch (e) {
        error = e;
      }
      expect(isCircleError(error) && error.exitCode, `cut at ${cut}`).toBe(5);
    }
    const f = file();
    writeFileSync(f, bytes.subarray(0, 20));
    await expect(updateDocument(counterV2, f, () => ({ count: 1, label: '' }))).rejects.toThrow(/corrupt/);
    expect(readFileSync(f)).toEqual(bytes.subarray(0, 20));
    expect(existsSync(`${f}.lock`)).toBe(false);
  });

  it('rejects a valid envelope whose data breaks the schema, naming the path', () => {
    const bytes = Buffer.from(JSON.stringify({ format: 'test-counter', version: 2, data: { count: 'many', label: 'x' } }));
    expect(() => parseDocument(counterV2, 'f', bytes)).toThrow(/at count/);
  });
});
