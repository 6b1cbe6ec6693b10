import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { scanDependencies } from '../../../../src/core/scan/deps/scan.js';
import { importOsvDatabase } from '../../../../src/core/scan/osv/sources.js';
import { OsvIndex } from '../../../../src/core/scan/osv/store.js';

/**
 * End-to-end expectations of the peers, from test/fixtures/scan/README.md:
 * osv-scanner's snapshot (ansi-html@0.0.1 → GHSA-whgm-jr23-g3j9, CVSS 7.5; locks-many
 * with ansi-html@0.0.8 → no issues under the live range, fixed 0.0.8) and npm/cli's
 * audit-one-vuln (minimist@1.0.0 → GHSA-vh95-rmgr-6w4m and GHSA-xvch-5gv4-984h).
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpus = path.resolve(repoRoot, 'test/fixtures/scan');
const sample = path.join(corpus, 'advisories/ghsa-npm-sample/npm');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function indexOf(records: string): Promise<OsvIndex> {
  const cache = mkdtempSync(path.join(tmpdir(), 'circle-peer-'));
  dirs.push(cache);
  await importOsvDatabase([records], cache);
  return (await OsvIndex.open(cache))!;
}

describe('peer expectations', () => {
  it('osv-scanner locks-insecure: ansi-html@0.0.1 has GHSA-whgm-jr23-g3j9 (CVSS 7.5, high)', async () => {
    const index = await indexOf(sample);
    const r = await scanDependencies({ root: corpus, lockfiles: [path.join(corpus, 'osv-scanner/locks-insecure/my-package-lock.json')], index });
    expect(r.vulnerabilities.map((v) => [v.name, v.version, v.advisories.map((a) => [a.id, a.score, a.severity])])).toEqual([['ansi-html', '0.0.1', [['GHSA-whgm-jr23-g3j9', 7.5, 'high']]]]);
    index.close();
  });

  it('osv-scanner locks-many: ansi-html@0.0.8 has no issues once the record says fixed 0.0.8 (as the live DB does)', async () => {
    const live = mkdtempSync(path.join(tmpdir(), 'circle-peer-rec-'));
    dirs.push(live);
    const record = readFileSync(path.join(sample, 'GHSA-whgm-jr23-g3j9.json'), 'utf8').replace('"fixed": "0.0.9"', '"fixed": "0.0.8"');
    writeFileSync(path.join(live, 'GHSA-whgm-jr23-g3j9.json'), record);
    const index = await indexOf(live);
    const r = await scanDependencies({ root: corpus, lockfiles: [path.join(corpus, 'osv-scanner/locks-many/package-lock.json')], index });
    expect(r.packages).toBeGreaterThan(0);
    expect(r.vulnerabilities).toEqual([]);
    index.close();
    // …and with the stored copy (fixed 0.0.9) 0.0.8 is flagged, as the README warns.
    const stored = await indexOf(sample);
    const s = await scanDependencies({ root: corpus, lockfiles: [path.join(corpus, 'osv-scanner/locks-many/package-lock.json')], index: stored });
    expect(s.vulnerabilities.map((v) => `${v.name}@${v.version}`)).toEqual(['ansi-html@0.0.8']);
    stored.close();
  });

  it('npm audit-one-vuln: minimist@1.0.0 matches GHSA-vh95-rmgr-6w4m and GHSA-xvch-5gv4-984h', async () => {
    const index = await indexOf(sample);
    const r = await scanDependencies({ root: corpus, lockfiles: [path.join(corpus, 'npm-cli-arborist/audit-one-vuln/package-lock.json')], index });
    expect(r.vulnerabilities).toHaveLength(1);
    expect(r.vulnerabilities[0]!.advisories.map((a) => a.id).sort()).toEqual(['GHSA-vh95-rmgr-6w4m', 'GHSA-xvch-5gv4-984h']);
    index.close();
  });
});
