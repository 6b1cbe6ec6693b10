/** issue 14 item 3: `circle scan deps` defects, each a test that failed before the fix. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLockfile } from '../../../../src/core/scan/deps/parsers/index.js';
import { scanDependencies } from '../../../../src/core/scan/deps/scan.js';
import { importOsvDatabase } from '../../../../src/core/scan/osv/sources.js';
import { OsvIndex } from '../../../../src/core/scan/osv/store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../fixtures/scan-deps');
let tmp: string;
let goOnly: OsvIndex;
let all: OsvIndex;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'circle-deps-14-'));
  await importOsvDatabase([path.join(fixtures, 'osv-go-stdlib')], path.join(tmp, 'go-cache'), { now: new Date('2024-01-01T00:00:00Z') });
  goOnly = (await OsvIndex.open(path.join(tmp, 'go-cache')))!;
  await importOsvDatabase([path.join(fixtures, 'osv')], path.join(tmp, 'cache'), { now: new Date('2024-01-01T00:00:00Z') });
  all = (await OsvIndex.open(path.join(tmp, 'cache')))!;
});
afterAll(() => {
  goOnly.close();
  all.close();
  rmSync(tmp, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('scan deps (issue 14 item 3)', () => {
  it('an ecosystem the database has no records of is a note, not a damaged index', async () => {
    const dir = project('npm-vs-go', { 'web/package-lock.json': JSON.stringify({ name: 'w', lockfileVersion: 3, packages: { '': { dependencies: { lodash: '4.17.20' } }, 'node_modules/lodash': { version: '4.17.20' } } }) });
    const result = await scanDependencies({ root: dir, index: goOnly });
    expect(result.vulnerabilities).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(/no npm records/);
  });

  it('`go 1.16` is release 1.16.0: an advisory introduced in 1.16.0 matches', async () => {
    const dir = project('go116', { 'go.mod': 'module example.com/m\n\ngo 1.16\n' });
    const result = await scanDependencies({ root: dir, index: goOnly });
    expect(result.vulnerabilities.map((v) => `${v.name}@${v.version}: ${v.advisories.map((a) => a.id).join()}`)).toEqual(['stdlib@1.16: GO-TEST-0001']);
  });

  it('Go module versions keep their v', async () => {
    const dir = project('gov', { 'go.mod': 'module example.com/m\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.5\n' });
    const result = await scanDependencies({ root: dir, index: all });
    const text = result.vulnerabilities.find((v) => v.name === 'golang.org/x/text');
    expect(text?.version).toBe('v0.3.5');
    expect(text?.advisories.map((a) => a.id)).toEqual(['GO-2021-0113']);
  });

  it('nested -r/-c includes resolve against the including file; findings point where the requirement is written', async () => {
    const dir = project('nested', {
      'requirements.txt': 'requests==2.31.0\n-r reqs/base.txt\n-r missing.txt\n',
      'reqs/base.txt': '# base\n-c constraints/pins.txt\ndjango==3.2.0\n',
      'reqs/constraints/pins.txt': '\n\nurllib3==1.26.0\n',
    });
    const parsed = await scanDependencies({ root: dir, index: all });
    const names = parsed.inventory.map((p) => `${p.name}@${p.version} ${p.file ?? p.lockfile}:${p.line}`).sort();
    expect(names).toEqual(['django@3.2.0 reqs/base.txt:3', 'requests@2.31.0 requirements.txt:1', 'urllib3@1.26.0 reqs/constraints/pins.txt:3']);
    expect(parsed.warnings.join('\n')).toMatch(/requirements\.txt:3: the included file missing\.txt does not exist/);
    const django = parsed.vulnerabilities.find((v) => v.name === 'django');
    if (django) expect(`${django.lockfile}:${django.line}`).toBe('reqs/base.txt:3');
  });

  it('junk lines are reported with file:line, never turned into packages', async () => {
    const gomod = await parseLockfile('go-mod', { file: 'go.mod', text: 'module m\n\ngo 1.21\n\nrequire (\n\tthis is not a module\n\tgithub.com/a/b v1.0.0\n)\n' });
    expect(gomod.packages.map((p) => p.name)).toEqual(['github.com/a/b', 'stdlib']);
    expect(gomod.problems).toEqual([{ file: 'go.mod', line: 6, reason: expect.stringContaining('not a module requirement') }]);

    const req = await parseLockfile('requirements', { file: 'requirements.txt', text: 'flask==2.0.0\n<<<<<<< HEAD\n./local/pkg\ngit+https://github.com/a/b.git#egg=b\n' });
    expect(req.packages.map((p) => p.name)).toEqual(['flask']);
    expect(req.problems).toEqual([{ file: 'requirements.txt', line: 2, reason: expect.stringContaining('not a requirement') }]);

    const gem = await parseLockfile('gemfile-lock', { file: 'Gemfile.lock', text: 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.3)\n    rails (\n    nokogiri 1.2\n\nDEPENDENCIES\n  rack\n' });
    expect(gem.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['rack@2.2.3']);
    expect(gem.problems?.map((p) => p.line)).toEqual([5, 6]);

    const dir = project('junk', { 'go.mod': 'module m\n\ngo 1.21\n\nrequire (\n\tjunk here too\n)\n' });
    const scanned = await scanDependencies({ root: dir, index: all });
    expect(scanned.warnings.join('\n')).toMatch(/go\.mod:6: not a module requirement/);
    // Named with --lockfile, the same file is a usage error (exit 2).
    await expect(scanDependencies({ root: dir, index: all, lockfiles: [path.join(dir, 'go.mod')] })).rejects.toMatchObject({ exitCode: 2 });
  });
});
