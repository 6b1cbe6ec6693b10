import { mkdirSync, mkdtempSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedChunks, assertSafeRevision } from '../../../../src/core/scan/secrets/sources/diff.js';
import { walkTree } from '../../../../src/core/scan/secrets/sources/tree.js';
import { loadScanSecretsConfig } from '../../../../src/core/scan/secrets/config.js';
import { readBaseline, writeBaseline } from '../../../../src/core/scan/secrets/baseline.js';
import { scanSecrets } from '../../../../src/core/scan/secrets/scanner.js';
import { looksBinary, hasBinaryExtension } from '../../../../src/core/scan/secrets/binary.js';
import type { ScanChunk } from '../../../../src/core/scan/secrets/sources/types.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'circle-secrets-src-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* lines(text: string): AsyncGenerator<string> {
  for (const l of text.split('\n')) yield l;
}

describe('addedChunks (unified diff -U0)', () => {
  it('groups consecutive added lines with their new-file line numbers and commit metadata', async () => {
    const diff = [
      '\u0000circle-commit\u0000abc123\u0000Ada\u00002024-01-02T03:04:05+00:00',
      'diff --git a/x.txt b/x.txt',
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -1,0 +2,2 @@',
      '+one',
      '++++ not a header',
      '@@ -9 +10 @@',
      '-old',
      '+new',
      'diff --git a/gone.txt b/gone.txt',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
    ].join('\n');
    const chunks: ScanChunk[] = await collect(addedChunks(lines(diff)));
    expect(chunks).toEqual([
      { path: 'x.txt', text: 'one\n+++ not a header', firstLine: 2, commit: 'abc123', author: 'Ada', date: '2024-01-02T03:04:05+00:00' },
      { path: 'x.txt', text: 'new', firstLine: 10, commit: 'abc123', author: 'Ada', date: '2024-01-02T03:04:05+00:00' },
    ]);
  });

  it('refuses revisions that could be read as options', () => {
    expect(() => assertSafeRevision('--output=/tmp/x')).toThrow(/valid git revision/);
    expect(() => assertSafeRevision('a b')).toThrow();
    expect(() => assertSafeRevision('v1.2.0')).not.toThrow();
    expect(() => assertSafeRevision('HEAD~3')).not.toThrow();
  });
});

describe('walkTree', () => {
  it('honours root and nested .gitignore, skips .git, never follows symlinks', async () => {
    const root = join(tmp, 'tree');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, '.gitignore'), 'build/\n*.log\n');
    writeFileSync(join(root, 'a', '.gitignore'), 'secret.txt\n');
    for (const f of ['keep.txt', 'x.log', 'build/out.js', '.git/config', 'a/secret.txt', 'a/b/secret.txt', 'a/b/ok.txt']) writeFileSync(join(root, f), 'x');
    symlinkSync('/etc', join(root, 'link'));
    const files = (await collect(walkTree(root))).sort();
    expect(files).toEqual(['.gitignore', 'a/.gitignore', 'a/b/ok.txt', 'keep.txt']);
    const all = (await collect(walkTree(root, { gitignore: false }))).sort();
    expect(all).toContain('build/out.js');
    expect(all).not.toContain('.git/config');
    expect(all).not.toContain('link');
  });
});

describe('config and baseline', () => {
  it('validates .circle/scan-secrets.yaml strictly', async () => {
    const root = join(tmp, 'cfg');
    mkdirSync(join(root, '.circle'), { recursive: true });
    expect((await loadScanSecretsConfig(root)).config.disable).toEqual([]);
    writeFileSync(join(root, '.circle/scan-secrets.yaml'), 'rules:\n  - id: x\n    keywords: [a]\n    regex: "("\n');
    await expect(loadScanSecretsConfig(root)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    writeFileSync(join(root, '.circle/scan-secrets.yaml'), 'version: 2\n');
    await expect(loadScanSecretsConfig(root)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    writeFileSync(join(root, '.circle/scan-secrets.yaml'), ': : :\n  - [');
    await expect(loadScanSecretsConfig(root)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('round-trips a baseline and rejects a foreign file', async () => {
    const file = join(tmp, 'baseline.json');
    await writeBaseline(file, [{ ruleId: 'r', message: 'm', severity: 'high', location: { path: 'p' }, fingerprint: 'a'.repeat(32) }]);
    expect([...(await readBaseline(file))]).toEqual(['a'.repeat(32)]);
    writeFileSync(file, '{"hello": 1}');
    await expect(readBaseline(file)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(readBaseline(join(tmp, 'nope.json'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('scanSecrets (tree)', () => {
  it('skips binaries and files over the size limit, and counts them', async () => {
    const root = join(tmp, 'scan');
    mkdirSync(root, { recursive: true });
    const key = ['AK', 'IA', 'Q7W2E4R6T3Y5U7I2'].join('');
    writeFileSync(join(root, 'a.txt'), `${key}\n`);
    writeFileSync(join(root, 'b.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(key)]));
    writeFileSync(join(root, 'c.png'), key);
    writeFileSync(join(root, 'big.txt'), `${key}\n${'x'.repeat(5000)}`);
    const report = await scanSecrets({ root, source: 'tree', maxFileSize: 1000 });
    expect(report.findings.map((f) => f.location.path)).toEqual(['a.txt']);
    expect(report.stats).toMatchObject({ files: 1, skippedBinary: 2, skippedLarge: 1 });
    expect(JSON.stringify(report)).not.toContain(key);
    expect(looksBinary(Buffer.from([1, 0]))).toBe(true);
    expect(hasBinaryExtension('x/y.PNG')).toBe(true);
  });
});
