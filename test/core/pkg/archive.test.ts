import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPathProblem, extractParsed, parseTarball, DEFAULT_LIMITS } from '../../../src/core/pkg/archive.js';
import { isCircleError } from '../../../src/core/errors.js';

const fixtures = join(import.meta.dirname, '../../fixtures/pkg');
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circle-archive-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file under dir, relative, with its kind. */
function tree(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = lstatSync(join(dir, name));
    out.push(`${name}:${st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'OTHER'}`);
  }
  return out.sort();
}

/** The sandbox of the corpus README: box/root (with victim.txt), box/outside/, box/secret.txt. */
function sandbox(name: string): { box: string; root: string } {
  const box = join(work, name.replace(/\W+/g, '-'));
  const root = join(box, 'root');
  mkdirSync(join(box, 'outside'), { recursive: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(box, 'secret.txt'), 'secret');
  writeFileSync(join(root, 'victim.txt'), 'original');
  return { box, root };
}

function checkInvariants(box: string, root: string): void {
  expect(readdirSync(join(box, 'outside'))).toEqual([]);
  expect(readdirSync(box).sort()).toEqual(['outside', 'root', 'secret.txt']);
  expect(statSync(join(box, 'secret.txt')).nlink).toBe(1);
  expect(readFileSync(join(root, 'victim.txt'), 'utf8')).toBe('original');
  expect(tree(root).filter((t) => t.endsWith(':OTHER'))).toEqual([]);
  expect(readdirSync('/tmp').filter((n) => n.startsWith('circle-tarfix'))).toEqual([]);
}

/** Archives a safe extractor may extract (benign); every other one in the corpus must be refused whole. */
const BENIGN = new Set([
  'hostile-generated/global-pax-header.tar',
  // The corpus README allows these outcomes: NUL cuts the PAX path; the PAX size applies to the
  // file after the GNU long name (as GNU tar reads it); a negative size reads as 0 bytes.
  'hostile-generated/pax-nul-in-path.tar',
  'hostile-generated/pax-size-on-longname.tar',
  'hostile-generated/negative-size-header.tar',
  'node-tar/sync-gzip-fail.tgz',
  'node-tar/tars/null-byte.tar',
  'node-tar/tars/body-byte-counts.tar',
  'node-tar/tars/dir.tar',
  'node-tar/tars/emptypax.tar',
  'node-tar/tars/file.tar',
  'node-tar/tars/global-header.tar',
  'node-tar/tars/long-pax.tar',
  'node-tar/tars/long-paths.tar',
  'node-tar/tars/trailing-slash-corner-case.tar',
  'node-tar/tars/utf8.tar',
]);

const archives = readdirSync(fixtures, { recursive: true })
  .map(String)
  .filter((f) => /\.(tar|tgz)$/.test(f))
  .sort();

describe('safe extraction of the hostile corpus', () => {
  it('has the corpus in the fixtures', () => {
    expect(archives.length).toBeGreaterThanOrEqual(45);
  });

  for (const file of archives) {
    const benign = BENIGN.has(file);
    it(`${benign ? 'extracts harmlessly' : 'refuses'}: ${file}`, async () => {
      const { box, root } = sandbox(file);
      const bytes = readFileSync(join(fixtures, file));
      let outcome: 'extracted' | 'refused';
      try {
        const parsed = parseTarball(bytes, file, { strip: 0 });
        await extractParsed(parsed, root, file);
        outcome = 'extracted';
      } catch (error) {
        expect(isCircleError(error) && error.exitCode).toBe(5);
        outcome = 'refused';
        // Refused before writing: the root holds only what the test put there.
        expect(tree(root)).toEqual(['victim.txt:file']);
      }
      expect(outcome).toBe(benign ? 'extracted' : 'refused');
      checkInvariants(box, root);
    });
  }

  it('reads the tricky-but-harmless headers the way GNU tar does', () => {
    const read = (f: string) => parseTarball(readFileSync(join(fixtures, f)), f, { strip: 0 }).files.map((x) => [x.path, x.size]);
    expect(read('hostile-generated/pax-size-on-longname.tar')).toEqual([['longname.txt', 2048]]);
    expect(read('hostile-generated/pax-nul-in-path.tar')).toEqual([['visible.txt', 6]]);
    expect(read('hostile-generated/negative-size-header.tar')).toEqual([['neg.txt', 0], ['after.txt', 6]]);
  });

  it('names the reason for a refusal in one line', () => {
    const bytes = readFileSync(join(fixtures, 'zip-slip/zip-slip.tar'));
    expect(() => parseTarball(bytes, 'zip-slip.tar', { strip: 0 })).toThrow(/Refused tarball zip-slip\.tar: path with "\.\."/);
    const bomb = readFileSync(join(fixtures, 'hostile-generated/gzip-bomb-64MiB.tgz'));
    expect(() => parseTarball(bomb, 'bomb', { strip: 0 })).toThrow(/decompression bomb/);
    const dev = readFileSync(join(fixtures, 'hostile-generated/device-and-fifo.tar'));
    expect(() => parseTarball(dev, 'dev', { strip: 0 })).toThrow(/CharacterDevice/);
  });

  it('caps entries, unpacked size and depth', () => {
    const parsed = parseTarball(readFileSync(join(fixtures, 'node-tar/tars/long-paths.tar')), 'x', { strip: 0 });
    expect(parsed.files.length).toBeGreaterThan(1);
    expect(() => parseTarball(readFileSync(join(fixtures, 'node-tar/tars/long-paths.tar')), 'x', { strip: 0, limits: { ...DEFAULT_LIMITS, maxEntries: 1 } })).toThrow(/more than 1 entries/);
    expect(() => parseTarball(readFileSync(join(fixtures, 'node-tar/tars/long-paths.tar')), 'x', { strip: 0, limits: { ...DEFAULT_LIMITS, maxUnpackedBytes: 10 } })).toThrow(/more than 10 bytes/);
    const gz = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    expect(() => parseTarball(gz, 'zeros', { strip: 0 })).toThrow(/bomb/);
  });

  it('normalises backslashes, drive letters and Unicode before looking for ".."', () => {
    const limits = { maxDepth: 10, maxPathLength: 200 };
    for (const bad of ['..\\x', 'a\\..\\..\\x', 'C:x', 'a/C:/x', '/etc/passwd', '\\\\server\\x', 'a/\uFF0E\uFF0E/x', 'a/b\u0000c']) {
      expect('problem' in entryPathProblem(bad, limits), bad).toBe(true);
    }
    expect(entryPathProblem('package/lib/a.js', limits)).toEqual({ parts: ['package', 'lib', 'a.js'] });
    expect('problem' in entryPathProblem(`${'a/'.repeat(12)}x`, limits)).toBe(true);
  });

  it('strips package/ and keeps only files and folders, 0644 or 0755', async () => {
    const { root } = sandbox('strip');
    const bytes = readFileSync(join(fixtures, 'node-tar/tars/dir.tar'));
    const parsed = parseTarball(bytes, 'dir.tar', { strip: 0 });
    await extractParsed(parsed, join(root, 'out'), 'dir.tar');
    expect(tree(join(root, 'out')).every((t) => t.endsWith(':dir') || t.endsWith(':file'))).toBe(true);
    for (const f of parsed.files) expect([0o644, 0o755]).toContain(f.mode);
    expect(relative(root, join(root, 'out'))).toBe('out');
    expect(existsSync(join(root, 'victim.txt'))).toBe(true);
  });
});
