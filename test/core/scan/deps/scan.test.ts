import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverLockfiles } from '../../../../src/core/scan/deps/discover.js';
import { loadIgnoreRules } from '../../../../src/core/scan/deps/ignore.js';
import { failsThreshold, scanDependencies } from '../../../../src/core/scan/deps/scan.js';
import { importOsvDatabase } from '../../../../src/core/scan/osv/sources.js';
import { OsvIndex } from '../../../../src/core/scan/osv/store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../fixtures/scan-deps');
const monorepo = path.join(fixtures, 'monorepo');

let cache: string;
let index: OsvIndex;

beforeAll(async () => {
  cache = mkdtempSync(path.join(tmpdir(), 'circle-deps-'));
  await importOsvDatabase([path.join(fixtures, 'osv')], cache, { now: new Date('2024-01-01T00:00:00Z') });
  index = (await OsvIndex.open(cache))!;
});
afterAll(() => {
  index?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('discovery', () => {
  it('finds every lockfile kind and skips node_modules', async () => {
    const found = (await discoverLockfiles(monorepo)).map((f) => path.relative(monorepo, f.file).split(path.sep).join('/'));
    expect(found).toEqual(['api/requirements.txt', 'broken/poetry.lock', 'php/composer.lock', 'ruby/Gemfile.lock', 'svc-go/go.mod', 'svc-rs/Cargo.lock', 'web/package-lock.json']);
  });

  it('prefers npm-shrinkwrap.json over package-lock.json in the same directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'circle-disc-'));
    try {
      writeFileSync(path.join(dir, 'package-lock.json'), '{}');
      writeFileSync(path.join(dir, 'npm-shrinkwrap.json'), '{}');
      expect((await discoverLockfiles(dir)).map((f) => path.basename(f.file))).toEqual(['npm-shrinkwrap.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scanDependencies on a monorepo', () => {
  it('reports every vulnerable package with its path and fix, and keeps going past a malformed lockfile', async () => {
    const result = await scanDependencies({ root: monorepo, index });
    const found = result.vulnerabilities.map((v) => `${v.lockfile}:${v.line} ${v.name}@${v.version} ${v.advisories.map((a) => `${a.id}>${a.fixed ?? '-'}`).join(',')}`);
    expect(found.sort()).toEqual([
      'api/requirements.txt:2 django@3.2.0 PYSEC-2021-98>3.2.1',
      'php/composer.lock:4 guzzlehttp/psr7@1.8.0 GHSA-q7rv-6hp3-vh96>1.8.4',
      'ruby/Gemfile.lock:4 nokogiri@1.13.3 GHSA-fq42-c5rg-92c2>1.13.4',
      'svc-rs/Cargo.lock:10 smallvec@1.6.0 RUSTSEC-2021-0003>1.6.1',
      'web/package-lock.json:17 lodash@4.17.15 GHSA-p6mc-m468-83gw>4.17.19',
      'web/package-lock.json:21 minimist@0.0.8 GHSA-xvch-5gv4-984h>0.2.4',
    ]);
    const minimist = result.vulnerabilities.find((v) => v.name === 'minimist')!;
    expect(minimist).toMatchObject({ direct: false, dev: false, introducedVia: ['mkdirp'], severity: 'critical' });
    expect(result.vulnerabilities.find((v) => v.name === 'lodash')).toMatchObject({ direct: true, dev: true, severity: 'high' });
    // The withdrawn mkdirp advisory is not reported.
    expect(result.vulnerabilities.some((v) => v.name === 'mkdirp')).toBe(false);
    const broken = result.lockfiles.find((l) => l.path === 'broken/poetry.lock')!;
    expect(broken.error).toMatch(/Malformed lockfile broken\/poetry\.lock:\d+/);
    expect(result.warnings.some((w) => w.includes('broken/poetry.lock'))).toBe(true);
    expect(failsThreshold(result, 'critical')).toBe(true);
  });

  it('--omit dev drops dev-only packages', async () => {
    const result = await scanDependencies({ root: monorepo, lockfiles: [path.join(monorepo, 'web/package-lock.json')], index, omitDev: true });
    expect(result.vulnerabilities.map((v) => v.name)).toEqual(['minimist']);
  });

  it('a named malformed lockfile is an error naming file and line', async () => {
    await expect(scanDependencies({ root: monorepo, lockfiles: [path.join(monorepo, 'broken/poetry.lock')], index })).rejects.toThrow(/broken\/poetry\.lock:\d+/);
  });

  it('honours ignores until they expire, and says when one has', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'circle-ign-'));
    try {
      mkdirSync(path.join(dir, '.circle'));
      writeFileSync(
        path.join(dir, '.circle/scan-ignore.yaml'),
        'ignore:\n  - id: CVE-2021-44906\n    reason: not reachable\n    expires: 2099-01-01\n  - id: GHSA-p6mc-m468-83gw\n    package: lodash\n    reason: dev only\n    expires: 2020-01-01\n',
      );
      const ignore = await loadIgnoreRules(dir);
      const result = await scanDependencies({ root: monorepo, lockfiles: [path.join(monorepo, 'web/package-lock.json')], index, ignore, now: new Date('2024-06-01') });
      expect(result.vulnerabilities.map((v) => v.name)).toEqual(['lodash']);
      expect(result.ignored).toEqual([expect.objectContaining({ name: 'minimist', id: 'GHSA-xvch-5gv4-984h', reason: 'not reachable', expires: '2099-01-01' })]);
      expect(result.warnings.join('\n')).toMatch(/GHSA-p6mc-m468-83gw \(lodash\) expired on 2020-01-01/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an ignore entry without a reason', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'circle-ign-'));
    try {
      mkdirSync(path.join(dir, '.circle'));
      writeFileSync(path.join(dir, '.circle/scan-ignore.yaml'), 'ignore:\n  - id: X\n    expires: 2099-01-01\n');
      await expect(loadIgnoreRules(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
