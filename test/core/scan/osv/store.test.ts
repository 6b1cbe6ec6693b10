import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsvDatabase } from '../../../../src/core/scan/osv/sources.js';
import { matchVersion } from '../../../../src/core/scan/osv/match.js';
import { OsvIndex } from '../../../../src/core/scan/osv/store.js';
import { rateAdvisory, scoreVector, severityFromScore } from '../../../../src/core/scan/osv/severity.js';
import { updateOsvDatabase } from '../../../../src/core/scan/osv/update.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const osvDir = path.resolve(here, '../../../fixtures/scan-deps/osv');

function osvZip(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(osvDir)) files[f] = strToU8(readFileSync(path.join(osvDir, f), 'utf8'));
  return zipSync(files);
}

let server: Server;
let base: string;
beforeAll(async () => {
  const zip = osvZip();
  server = createServer((req, res) => {
    if (req.url === '/good/all.zip') res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
    else if (req.url === '/notzip/all.zip') res.writeHead(200).end('<html>captive portal</html>');
    else if (req.url === '/notosv/all.zip') res.writeHead(200).end(zipSync({ 'x.json': strToU8('{"hello":1}') }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function withCache<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'circle-osv-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('OSV index', () => {
  it('imports a directory, skips withdrawn records, and looks packages up by normalised name', () =>
    withCache(async (cache) => {
      const meta = await importOsvDatabase([osvDir], cache);
      expect(meta.advisories).toBe(7);
      expect(meta.skipped.withdrawn).toBe(1);
      const index = (await OsvIndex.open(cache))!;
      expect(index.lookup('npm', 'minimist').map((a) => a.id)).toEqual(['GHSA-xvch-5gv4-984h']);
      expect(index.lookup('PyPI', 'DJANGO').map((a) => a.id)).toEqual(['PYSEC-2021-98']);
      expect(index.lookup('npm', 'mkdirp')).toEqual([]);
      expect(index.lookup('npm', 'Minimist')).toEqual([]); // npm names are case-sensitive
      index.close();
    }));

  it('imports the real PyPI all.zip from the corpus', () =>
    withCache(async (cache) => {
      const zip = path.resolve(here, '../../../fixtures/scan/advisories/pypa-osv/PyPI/all.zip');
      const meta = await importOsvDatabase([zip], cache);
      expect(meta.ecosystems.PyPI!.advisories).toBeGreaterThan(2000);
      const index = (await OsvIndex.open(cache))!;
      expect(index.lookup('PyPI', 'django').length).toBeGreaterThan(10);
      index.close();
    }));

  it('db update downloads a zip over HTTP and replaces the index', () =>
    withCache(async (cache) => {
      const meta = await updateOsvDatabase([`${base}/good/all.zip`], cache);
      expect(meta.sources).toEqual([`${base}/good/all.zip`]);
      expect((await OsvIndex.open(cache))!.meta.advisories).toBe(7);
    }));

  it.each([
    ['/notzip/all.zip', 'INTEGRITY'],
    ['/notosv/all.zip', 'INTEGRITY'],
    ['/missing/all.zip', 'NOT_FOUND'],
  ])('a failed update (%s) leaves the previous index usable', (url, code) =>
    withCache(async (cache) => {
      await importOsvDatabase([path.join(osvDir, 'GO-2021-0113.json')], cache);
      await expect(updateOsvDatabase([`${base}/good/all.zip`, `${base}${url}`], cache)).rejects.toMatchObject({ code });
      const index = (await OsvIndex.open(cache))!;
      expect(index.meta.advisories).toBe(1);
      expect(index.lookup('Go', 'golang.org/x/text').map((a) => a.id)).toEqual(['GO-2021-0113']);
      index.close();
    }));

  it('streams a download to a private temporary file in the cache, and removes it afterwards', () =>
    withCache(async (cache) => {
      const zip = osvZip();
      const seen: { name: string; mode: number; size: number }[] = [];
      let sent = 0;
      // A server that sends the archive in two halves; between them, look at what is on disk.
      const fetchImpl = (async () => {
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (sent++ === 0) {
              controller.enqueue(zip.subarray(0, zip.length >> 1));
              return;
            }
            await new Promise((r) => setTimeout(r, 50));
            const osv = path.join(cache, 'osv');
            for (const name of readdirSync(osv).filter((f) => f.startsWith('download-'))) {
              const info = statSync(path.join(osv, name));
              seen.push({ name, mode: info.mode & 0o777, size: info.size });
            }
            controller.enqueue(zip.subarray(zip.length >> 1));
            controller.close();
          },
        });
        return new Response(body, { status: 200 });
      }) as unknown as typeof fetch;
      const meta = await updateOsvDatabase(['https://mirror.invalid/all.zip'], cache, { fetchImpl });
      expect(meta.advisories).toBe(7);
      expect(seen).toEqual([{ name: expect.stringMatching(/^download-[0-9a-f]+\.zip$/), mode: process.platform === 'win32' ? expect.any(Number) : 0o600, size: zip.length >> 1 }]);
      expect(readdirSync(path.join(cache, 'osv')).filter((f) => f.startsWith('download-'))).toEqual([]);
      // A failed update removes its download too.
      await expect(updateOsvDatabase([`${base}/notzip/all.zip`], cache)).rejects.toMatchObject({ code: 'INTEGRITY' });
      expect(readdirSync(path.join(cache, 'osv')).filter((f) => f.startsWith('download-'))).toEqual([]);
    }));

  it('refuses a download over the size limit', () =>
    withCache(async (cache) => {
      await expect(updateOsvDatabase([`${base}/good/all.zip`], cache, { maxBytes: 10 })).rejects.toThrow(/larger than/);
    }));

  it('stores each advisory once, with its ranges per package and its details beside them', () =>
    withCache(async (cache) => {
      await importOsvDatabase([osvDir], cache);
      const index = (await OsvIndex.open(cache))!;
      const [minimist] = index.lookup('npm', 'minimist');
      expect(minimist).toMatchObject({ id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], severity: 'critical', affected: [{ ranges: [{ type: 'SEMVER' }] }] });
      const entries = index.matchEntries('npm', ['minimist', 'no-such-package']);
      expect([...entries.keys()]).toEqual(['minimist']);
      index.close();
    }));

  describe('a damaged index is STATE_CORRUPT (exit 5), never an internal error', () => {
    const damage = async (cache: string, file: string, change: (bytes: Buffer) => Buffer | undefined): Promise<void> => {
      const gen = readFileSync(path.join(cache, 'osv/CURRENT'), 'utf8').trim();
      const target = path.join(cache, 'osv', gen, file);
      const changed = change(readFileSync(target));
      if (changed === undefined) rmSync(target);
      else writeFileSync(target, changed);
    };
    const corrupt = expect.objectContaining({ code: 'STATE_CORRUPT' });

    it.each([
      ['a missing name table', 'npm.names', () => undefined],
      ['a name table that is not one', 'npm.names', () => Buffer.from('{"minimist":[0,10]}')],
      ['a truncated name table', 'npm.names', (b: Buffer) => b.subarray(0, 40)],
      ['a missing match file', 'npm.match', () => undefined],
    ])('%s: open fails', (_what, file, change) =>
      withCache(async (cache) => {
        await importOsvDatabase([osvDir], cache);
        await damage(cache, file, change);
        await expect(OsvIndex.open(cache)).rejects.toEqual(corrupt);
      }));

    it.each([
      ['a match file cut short', 'npm.match', (b: Buffer) => b.subarray(0, 8)],
      ['a match entry that is not JSON', 'npm.match', (b: Buffer) => Buffer.alloc(b.length, 0x7b)],
      ['a match entry that is not an array', 'npm.match', (b: Buffer) => Buffer.alloc(b.length, '1')],
      ['a details file cut short', 'npm.details', (b: Buffer) => b.subarray(0, 3)],
      ['details that are not records', 'npm.details', (b: Buffer) => Buffer.alloc(b.length, '1')],
    ])('%s: lookups fail', (_what, file, change) =>
      withCache(async (cache) => {
        await importOsvDatabase([osvDir], cache);
        await damage(cache, file, change);
        const index = (await OsvIndex.open(cache))!;
        expect(() => index.lookup('npm', 'minimist')).toThrow(corrupt);
        index.close();
      }));
  });

  it('migrates an index of format 1 in place: same advisories, import time and sources; CURRENT switches once', () =>
    withCache(async (cache) => {
      // A format-1 generation as circle 0.1 wrote it: a JSON name table of [offset, length] into whole advisories.
      const gen = 'gen-1-v1';
      const dir = path.join(cache, 'osv', gen);
      mkdirSync(dir, { recursive: true });
      const advisories = [
        { id: 'GHSA-old-1', aliases: ['CVE-1'], summary: 'Old one', severity: 'high', score: 7.5, modified: '2023-01-02T00:00:00Z', url: 'https://example.invalid/1', affected: [{ ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.0' }] }], versions: [] }] },
        { id: 'GHSA-old-2', aliases: [], summary: 'Old two', severity: 'low', affected: [{ ranges: [], versions: ['0.9.0'] }] },
      ];
      const slice = Buffer.from(JSON.stringify(advisories));
      writeFileSync(path.join(dir, 'npm.data'), slice);
      writeFileSync(path.join(dir, 'npm.names.json'), JSON.stringify({ 'left-pad': [0, slice.length] }));
      const meta = { format: 'circle-osv-index', version: 1, createdAt: '2024-03-04T05:06:07.000Z', sources: ['/old/source'], advisories: 2, skipped: { withdrawn: 1, invalid: 0, otherEcosystems: 3 }, ecosystems: { npm: { advisories: 2, packages: 1, file: 'npm' } } };
      writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
      writeFileSync(path.join(cache, 'osv', 'CURRENT'), `${gen}\n`);

      const migrations: number[] = [];
      const index = (await OsvIndex.open(cache, { onMigrate: (from) => migrations.push(from) }))!;
      expect(migrations).toEqual([1]);
      expect(index.meta).toMatchObject({ version: 2, createdAt: meta.createdAt, sources: meta.sources, advisories: 2, skipped: meta.skipped, newestModified: '2023-01-02T00:00:00Z' });
      expect(index.lookup('npm', 'left-pad')).toEqual(advisories);
      index.close();
      expect(readFileSync(path.join(cache, 'osv', 'CURRENT'), 'utf8').trim()).not.toBe(gen);
      expect(readdirSync(path.join(cache, 'osv')).filter((e) => e.startsWith('gen-'))).toHaveLength(1);
      // Opening again finds format 2: no second migration.
      (await OsvIndex.open(cache, { onMigrate: (from) => migrations.push(from) }))!.close();
      expect(migrations).toEqual([1]);
    }));

  it('refuses an index from a newer circle', () =>
    withCache(async (cache) => {
      await importOsvDatabase([osvDir], cache);
      const gen = readFileSync(path.join(cache, 'osv/CURRENT'), 'utf8').trim();
      const metaFile = path.join(cache, 'osv', gen, 'meta.json');
      writeFileSync(metaFile, JSON.stringify({ ...JSON.parse(readFileSync(metaFile, 'utf8')), version: 99 }));
      await expect(OsvIndex.open(cache)).rejects.toMatchObject({ code: 'STATE_TOO_NEW' });
    }));
});

describe('OSV GIT ranges', () => {
  // GIT ranges are commit-based (https://ossf.github.io/osv-schema/#affectedrangestype-field): they cannot
  // place a package version from a lockfile. OSV's enumerated form of the same facts is `versions`.
  const record = (id: string, affected: object) => ({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'gitpkg' }, ...affected }] });
  const git = { type: 'GIT', repo: 'https://example.invalid/gitpkg.git', events: [{ introduced: '0' }, { fixed: 'a1b2c3d4e5f6' }] };

  it('an entry with only GIT ranges and no versions is not indexed and matches nothing; versions beside GIT ranges do match', () =>
    withCache(async (cache) => {
      const dir = path.join(cache, 'src');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'git-only.json'), JSON.stringify(record('GIT-ONLY', { ranges: [git] })));
      writeFileSync(path.join(dir, 'git-and-versions.json'), JSON.stringify(record('GIT-VERSIONS', { ranges: [git], versions: ['1.0.0', '1.0.1'] })));
      writeFileSync(path.join(dir, 'git-and-semver.json'), JSON.stringify(record('GIT-SEMVER', { ranges: [git, { type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.1.0' }] }] })));
      expect((await importOsvDatabase([dir], cache)).advisories).toBe(2); // GIT-ONLY holds nothing a version can match
      const index = (await OsvIndex.open(cache))!;
      const advisories = index.lookup('npm', 'gitpkg');
      expect(advisories.map((a) => a.id).sort()).toEqual(['GIT-SEMVER', 'GIT-VERSIONS']);
      // No GIT range survives into the index: only what can be compared with a package version.
      expect(advisories.flatMap((a) => a.affected.flatMap((s) => s.ranges.map((r) => r.type)))).toEqual(['SEMVER']);
      const affects = (v: string) => advisories.filter((a) => a.affected.some((s) => matchVersion('npm', v, s).affected)).map((a) => a.id);
      expect(affects('1.0.1')).toEqual(['GIT-VERSIONS']);
      expect(affects('2.0.5')).toEqual(['GIT-SEMVER']);
      expect(affects('0.1.0')).toEqual([]); // `introduced: 0` in a GIT range is a commit, not a version
      index.close();
    }));
});

describe('severity', () => {
  it('scores CVSS vectors (known answers from FIRST calculators)', () => {
    expect(scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(scoreVector('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L')).toBe(5.6);
    expect(scoreVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(9.3);
    expect(scoreVector('not a vector')).toBeUndefined();
  });

  it('maps scores to the qualitative scale, moderate = CVSS medium', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityFromScore)).toEqual(['none', 'low', 'low', 'moderate', 'moderate', 'high', 'high', 'critical', 'critical']);
  });

  it('falls back to the database rating, then to moderate', () => {
    expect(rateAdvisory({ id: 'A', database_specific: { severity: 'LOW' } }).severity).toBe('low');
    expect(rateAdvisory({ id: 'A', affected: [{ ecosystem_specific: { severity: 'HIGH' } }] }).severity).toBe('high');
    expect(rateAdvisory({ id: 'A' }).severity).toBe('moderate');
  });
});
