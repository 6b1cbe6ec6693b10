import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileIfExists, writeFileAtomic } from '../../../src/core/home/atomic.js';
import { tempDir } from '../../helpers/cli.js';

describe('writeFileAtomic', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const dir = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  };

  it('replaces the content, leaves no temp file and makes the file private', async () => {
    const d = dir();
    const file = join(d, 'state.json');
    await writeFileAtomic(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(d)).toEqual(['state.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps the old file when the write fails', async () => {
    const d = dir();
    const file = join(d, 'state.json');
    await writeFileAtomic(file, 'old');
    await expect(writeFileAtomic(join(d, 'missing-dir', 'x'), 'y')).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
  });

  it('reads a missing file as undefined', async () => {
    expect(await readFileIfExists(join(dir(), 'nope'))).toBeUndefined();
  });
});
