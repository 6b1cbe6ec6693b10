import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packDirectory, tarballFilename } from '../../../src/core/pkg/pack.js';
import { parseTarball } from '../../../src/core/pkg/archive.js';
import { integrityMatches } from '../../../src/core/pkg/integrity.js';

let work: string;

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

/** What `npm pack --dry-run --json` lists and the integrity of the tarball `npm pack` writes. */
function npmPack(dir: string): { files: string[]; integrity: string } {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });
  const [result] = JSON.parse(out) as { files: { path: string }[]; integrity: string }[];
  return { files: result!.files.map((f) => f.path).sort(), integrity: result!.integrity };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circle-pack-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const layouts: Record<string, Record<string, string>> = {
  'files field with bin and main': {
    'package.json': JSON.stringify({ name: '@acme/demo', version: '1.0.0', main: 'lib/index.js', bin: { demo: 'bin/demo.js' }, files: ['lib', 'bin'] }),
    'bin/demo.js': '#!/usr/bin/env node\nconsole.log(1)\n',
    'lib/index.js': 'module.exports = 1\n',
    'lib/sub/a.md': '# a\n',
    'lib/sub/B.js': 'b\n',
    'test/t.js': 'test\n',
    'README.md': 'readme\n',
    'LICENSE': 'license\n',
    'node_modules/x/index.js': 'dep\n',
    '.npmrc': 'fund=false\n',
    'package-lock.json': '{}\n',
  },
  'npmignore beats gitignore': {
    'package.json': JSON.stringify({ name: 'plain', version: '0.1.0-beta.1' }),
    '.npmignore': 'secret/\n*.log\n',
    '.gitignore': 'dist/\n',
    'dist/out.js': 'built\n',
    'secret/key.txt': 'k\n',
    'debug.log': 'l\n',
    'src/a.ts': 'a\n',
    'src/.gitignore': 'b.ts\n',
    'src/b.ts': 'b\n',
    '.DS_Store': 'x',
    'x.orig': 'o',
  },
  'gitignore only': {
    'package.json': JSON.stringify({ name: 'gi', version: '2.0.0', description: 'uses .gitignore' }),
    '.gitignore': 'build/\n',
    'build/x.js': 'x\n',
    'index.js': 'i\n',
    'CHANGELOG.md': 'c\n',
  },
};

describe('pkg pack', () => {
  for (const [title, files] of Object.entries(layouts)) {
    it(`lists the same files as npm pack and makes the same bytes: ${title}`, async () => {
      const dir = join(work, title.replace(/\W+/g, '-'));
      write(dir, files);
      const packed = await packDirectory(dir);
      const npm = npmPack(dir);
      expect(packed.files.map((f) => f.path).sort()).toEqual(npm.files);
      // Same file list, order and tar options as npm's pacote: the same tarball.
      expect(packed.integrity).toBe(npm.integrity);
      expect(integrityMatches(packed.integrity, packed.tarball)).toBe(true);
    });
  }

  it('packs twice to the same bytes, with package/ prefixes, fixed mtimes and no owner', async () => {
    const dir = join(work, 'twice');
    write(dir, layouts['files field with bin and main']!);
    chmodSync(join(dir, 'lib/index.js'), 0o600);
    const a = await packDirectory(dir);
    const b = await packDirectory(dir);
    expect(a.tarball.equals(b.tarball)).toBe(true);
    expect(a.filename).toBe(tarballFilename('@acme/demo', '1.0.0'));
    expect(a.filename).toBe('acme-demo-1.0.0.tgz');
    const { list } = await import('tar');
    const headers: { path: string; mtime: number; uid: number | undefined; gid: number | undefined; mode: number | undefined }[] = [];
    const file = join(work, a.filename);
    writeFileSync(file, a.tarball);
    await list({ file, onReadEntry: (e) => headers.push({ path: e.path, mtime: e.mtime!.getTime(), uid: e.uid, gid: e.gid, mode: e.mode }) });
    expect(headers.every((h) => h.path.startsWith('package/'))).toBe(true);
    expect(new Set(headers.map((h) => h.mtime))).toEqual(new Set([Date.parse('1985-10-26T08:15:00.000Z')]));
    expect(headers.every((h) => (h.uid ?? 0) === 0 && (h.gid ?? 0) === 0)).toBe(true);
    // npm's pacote only marks top-level bins executable (it strips a folder before comparing); so do we.
    expect(headers.find((h) => h.path === 'package/bin/demo.js')!.mode! & 0o111).toBe(0);
    const parsed = parseTarball(a.tarball, 'test');
    expect(parsed.files.find((f) => f.path === 'bin/demo.js')!.mode).toBe(0o644);
    expect(parsed.files.find((f) => f.path === 'lib/index.js')!.body.toString()).toBe('module.exports = 1\n');
    expect(readFileSync(file).length).toBe(a.tarball.length);
  });

  it('refuses an invalid manifest', async () => {
    const dir = join(work, 'bad');
    write(dir, { 'package.json': JSON.stringify({ name: 'Bad Name', version: '1.0.0' }) });
    await expect(packDirectory(dir)).rejects.toMatchObject({ exitCode: 2 });
    write(dir, { 'package.json': JSON.stringify({ name: 'ok', version: 'v1' }) });
    await expect(packDirectory(dir)).rejects.toMatchObject({ exitCode: 2 });
  });
});
