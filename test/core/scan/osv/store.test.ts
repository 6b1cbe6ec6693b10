import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsvDatabase } from '../../../../src/core/scan/osv/sources.js';
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
      const zip = path.resolve(here, '../../../../../shared/corpora/scan/advisories/pypa-osv/PyPI/all.zip');
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

  it('refuses a download over the size limit', () =>
    withCache(async (cache) => {
      await expect(updateOsvDatabase([`${base}/good/all.zip`], cache, { maxBytes: 10 })).rejects.toThrow(/larger than/);
    }));

  it('reports a damaged index as STATE_CORRUPT', () =>
    withCache(async (cache) => {
      await importOsvDatabase([osvDir], cache);
      const gen = readFileSync(path.join(cache, 'osv/CURRENT'), 'utf8').trim();
      rmSync(path.join(cache, 'osv', gen, 'npm.names.json'));
      const index = (await OsvIndex.open(cache))!;
      expect(() => index.lookup('npm', 'minimist')).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT' }));
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
