import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCycloneDx, toPurl } from '../../../../src/core/scan/deps/cyclonedx.js';
import { toScanReport } from '../../../../src/core/scan/deps/report.js';
import { scanDependencies, type DepsScanResult } from '../../../../src/core/scan/deps/scan.js';
import { toGithubAnnotations, toSarif } from '../../../../src/core/scan/report/index.js';
import { importOsvDatabase } from '../../../../src/core/scan/osv/sources.js';
import { OsvIndex } from '../../../../src/core/scan/osv/store.js';
import { sarifValidator } from '../../../helpers/schemas.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../fixtures/scan-deps');
const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** CycloneDX 1.5 with the SPDX and JSF schemas it references, as shipped by @cyclonedx/cyclonedx-library. */
function cycloneDxValidator() {
  // The package does not export its res/ folder, so locate it beside its entry point.
  const dir = path.resolve(path.dirname(require.resolve('@cyclonedx/cyclonedx-library')), '../res/schema');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...readJson(path.join(dir, 'spdx.SNAPSHOT.schema.json')), $id: 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json' });
  ajv.addSchema({ ...readJson(path.join(dir, 'jsf-0.82.SNAPSHOT.schema.json')), $id: 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json' });
  return ajv.compile(readJson(path.join(dir, 'bom-1.5.SNAPSHOT.schema.json')));
}

let cache: string;
let result: DepsScanResult;
beforeAll(async () => {
  cache = mkdtempSync(path.join(tmpdir(), 'circle-fmt-'));
  await importOsvDatabase([path.join(fixtures, 'osv')], cache, { now: new Date('2024-01-01T00:00:00Z') });
  const index = (await OsvIndex.open(cache))!;
  result = await scanDependencies({ root: path.join(fixtures, 'monorepo'), index });
  index.close();
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('report formats', () => {
  it('SARIF output validates against the SARIF 2.1.0 schema and locates findings in lockfiles', () => {
    const sarif = toSarif(toScanReport(result), { name: 'circle', version: '0.1.0' }) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const minimist = sarif.runs[0]!.results.find((r) => r.ruleId === 'GHSA-xvch-5gv4-984h')!;
    expect(minimist.locations[0]!.physicalLocation.artifactLocation.uri).toBe('web/package-lock.json');
    expect(minimist.locations[0]!.physicalLocation.region?.startLine).toBe(21);
  });

  it('the SARIF validator rejects a broken log (the check can fail)', () => {
    expect(sarifValidator()({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it('CycloneDX output validates against the CycloneDX 1.5 schema, with a vulnerabilities section', () => {
    const bom = toCycloneDx(result, { name: 'circle', version: '0.1.0' }) as { components: { purl: string }[]; vulnerabilities: { id: string; affects: { ref: string }[]; ratings: { severity: string }[] }[] };
    const validate = cycloneDxValidator();
    expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(bom.vulnerabilities.map((v) => v.id).sort()).toEqual(['GHSA-fq42-c5rg-92c2', 'GHSA-p6mc-m468-83gw', 'GHSA-q7rv-6hp3-vh96', 'GHSA-xvch-5gv4-984h', 'PYSEC-2021-98', 'RUSTSEC-2021-0003']);
    const minimist = bom.vulnerabilities.find((v) => v.id === 'GHSA-xvch-5gv4-984h')!;
    expect(minimist.affects).toEqual([{ ref: 'pkg:npm/minimist@0.0.8' }]);
    expect(minimist.ratings[0]!.severity).toBe('critical');
    expect(bom.components.map((c) => c.purl)).toContain('pkg:golang/golang.org/x/text@v0.3.7');
    expect(validate({ bomFormat: 'CycloneDX', specVersion: '1.5', vulnerabilities: [{ ratings: [{ severity: 'moderate' }] }] })).toBe(false);
  });

  it('GitHub annotations name the lockfile and line', () => {
    const text = toGithubAnnotations(toScanReport(result));
    expect(text).toMatch(/^::error file=web\/package-lock\.json,line=21,.*minimist@0\.0\.8 \(via mkdirp\)/m);
  });

  it('builds package URLs per the purl spec', () => {
    expect(toPurl('npm', '@babel/core', '7.0.0')).toBe('pkg:npm/%40babel/core@7.0.0');
    expect(toPurl('PyPI', 'Django_Rest', '1.0')).toBe('pkg:pypi/django-rest@1.0');
    expect(toPurl('Packagist', 'guzzlehttp/psr7', '1.8.0')).toBe('pkg:composer/guzzlehttp/psr7@1.8.0');
  });
});
