// `circle scan deps` speed (issue: scan deps): a 5,000-package lockfile against
// 200,000 OSV advisories. Prints db import time, scan wall time and peak memory,
// and the floor: the time to merely JSON.parse the lockfile and load the index.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { cli, line, median, repoRoot } from './lib.mjs';

const PACKAGES = 5_000;
const ADVISORIES = Number(process.env.BENCH_ADVISORIES ?? 200_000);
const NAMES = 50_000; // advisories spread over this many package names, 4 each on average
const runs = Number(process.env.BENCH_RUNS ?? 7);

const work = join(repoRoot, 'bench', '.work', 'scan-deps');
const home = join(work, 'home');
rmSync(home, { recursive: true, force: true });
mkdirSync(home, { recursive: true });
const env = { ...process.env, CIRCLE_HOME: home, CI: 'true' };
const entry = cli;

// --- inputs (regenerated only when missing) --------------------------------------
const project = join(work, 'project');
const lockfile = join(project, 'package-lock.json');
// fflate writes no ZIP64, so a zip holds at most 65,535 entries: split the database over
// several archives in one directory (as `db import DIR` accepts), 50,000 records each.
const PER_ZIP = 50_000;
const zipDir = join(work, `osv-v2-${ADVISORIES}`);
const versionOf = (i) => `1.${i % 20}.${i % 7}`;
if (!existsSync(lockfile)) {
  mkdirSync(project, { recursive: true });
  const packages = { '': { name: 'bench', version: '1.0.0', dependencies: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`pkg-${i}`, '^1.0.0'])) } };
  for (let i = 0; i < PACKAGES; i++) {
    const deps = i + 500 < PACKAGES ? { [`pkg-${i + 500}`]: '^1.0.0' } : undefined;
    packages[`node_modules/pkg-${i}`] = { version: versionOf(i), resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-${versionOf(i)}.tgz`, integrity: 'sha512-AAAA', ...(i % 5 === 0 ? { dev: true } : {}), ...(deps ? { dependencies: deps } : {}) };
  }
  writeFileSync(lockfile, JSON.stringify({ name: 'bench', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
}
if (!existsSync(join(zipDir, 'done'))) {
  mkdirSync(zipDir, { recursive: true });
  let files = {};
  for (let n = 0; n < ADVISORIES; n++) {
    const name = `pkg-${(n * 7919) % NAMES}`;
    // Every lockfile package has advisories to evaluate (the costly case); one in ten
    // affects 1.x versions, so roughly a third of the lockfile's packages are vulnerable.
    const fixed = n % 10 === 0 ? `1.${n % 23}.0` : `0.${n % 23}.0`;
    files[`GHSA-bench-${n}.json`] = strToU8(
      JSON.stringify({
        schema_version: '1.6.0',
        id: `GHSA-bench-${n}`,
        modified: '2024-01-01T00:00:00Z',
        published: '2023-01-01T00:00:00Z',
        aliases: [`CVE-2023-${n}`],
        summary: `Synthetic advisory ${n} for ${name}`,
        details: 'Generated for the benchmark.',
        severity: [{ type: 'CVSS_V3', score: n % 2 ? 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' : 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L' }],
        affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }],
        references: [{ type: 'ADVISORY', url: `https://example.invalid/GHSA-bench-${n}` }],
      }),
    );
    if ((n + 1) % PER_ZIP === 0 || n + 1 === ADVISORIES) {
      writeFileSync(join(zipDir, `npm-part-${Math.floor(n / PER_ZIP)}.zip`), zipSync(files, { level: 1 }));
      files = {};
    }
  }
  writeFileSync(join(zipDir, 'done'), '');
}

function timed(args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Peak RSS of one run in MB, via GNU time when present. */
function peakRss(args) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

// --- db import ------------------------------------------------------------------
const imp = timed([entry, 'scan', 'db', 'import', zipDir, '--json']);
const imported = JSON.parse(imp.stdout).advisories;

// --- the floor: JSON.parse the lockfile + load the index -------------------------------------------
// "Load the index" is what any scan must read of it, in the index's own format: open it (meta, name
// table) and read and JSON.parse the match entry of every package in the lockfile. Since index format 2
// that entry holds only what matching needs; the advisory details a report shows are read for the
// advisories that hit, which the floor leaves out (the scan pays for them).
const floorScript = join(work, 'floor.mjs');
writeFileSync(
  floorScript,
  `import { readFileSync } from 'node:fs';
import { OsvIndex } from ${JSON.stringify(join(repoRoot, 'dist/core/scan/osv/store.js').replace(/\\\\/g, '/'))};
const t0 = process.hrtime.bigint();
const lock = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const index = await OsvIndex.open(process.argv[3]);
let n = 0;
for (const entry of index.matchEntries('npm', Object.keys(lock.packages).filter(Boolean).map((key) => key.slice(13))).values()) n += entry.length;
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, tokens: n }));
`,
);
const scanScript = join(work, 'scan-inproc.mjs');
writeFileSync(
  scanScript,
  `import { OsvIndex } from ${JSON.stringify(join(repoRoot, 'dist/core/scan/osv/store.js'))};
import { scanDependencies } from ${JSON.stringify(join(repoRoot, 'dist/core/scan/deps/scan.js'))};
const t0 = process.hrtime.bigint();
const index = await OsvIndex.open(process.argv[3]);
const r = await scanDependencies({ root: process.argv[2], lockfiles: [process.argv[2] + '/package-lock.json'], index });
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, vulnerable: r.vulnerabilities.length }));
`,
);
const cacheDir = join(home, 'cache');
const cacheCandidates = [cacheDir, join(home, '.cache'), home];
const resolvedCache = cacheCandidates.find((d) => existsSync(join(d, 'osv', 'CURRENT'))) ?? (() => { throw new Error(`no index under ${home}`); })();

const cliArgs = [entry, 'scan', 'deps', '--lockfile', lockfile, '--json'];
const cliTimes = [], floorProc = [], floorIn = [], scanIn = [];
let vulnerable = 0;
for (let i = 0; i < runs + 1; i++) {
  const c = timed(cliArgs);
  const f = timed([floorScript, lockfile, resolvedCache]);
  const s = timed([scanScript, project, resolvedCache]);
  if (i === 0) continue; // warm-up round
  cliTimes.push(c.ms);
  floorProc.push(f.ms);
  floorIn.push(JSON.parse(f.stdout).ms);
  scanIn.push(JSON.parse(s.stdout).ms);
  vulnerable = JSON.parse(c.stdout).vulnerabilities.length;
}
const rss = peakRss(cliArgs);
const cliMs = median(cliTimes);
const floorMs = median(floorProc);

console.log(`# scan deps: ${PACKAGES} packages vs ${imported} advisories (${vulnerable} vulnerable packages found; median of ${runs})`);
line(`db import (${Math.ceil(ADVISORIES / PER_ZIP)} zips of OSV JSON, whole CLI)`, `${(imp.ms / 1000).toFixed(2)} s`, 'no target');
line('scan deps, whole CLI wall time', `${cliMs.toFixed(0)} ms`, `target < 1000 ms: ${cliMs < 1000 ? 'met' : 'MISSED'}`);
line('scan deps, peak memory (max RSS)', rss === undefined ? 'n/a' : `${rss.toFixed(0)} MB`, rss === undefined ? '' : `target < 300 MB: ${rss < 300 ? 'met' : 'MISSED'}`);
line('floor: node + JSON.parse lockfile + load index', `${floorMs.toFixed(0)} ms`, 'baseline (a bare node process doing only that)');
line('scan deps CLI / floor', `${(cliMs / floorMs).toFixed(2)}x`, `target <= 2x: ${cliMs / floorMs <= 2 ? 'met' : 'MISSED'} (CLI includes oclif start-up)`);
line('in-process: parse + load only', `${median(floorIn).toFixed(0)} ms`, 'baseline');
line('in-process: full scan (parse, graph, match)', `${median(scanIn).toFixed(0)} ms`, `${(median(scanIn) / median(floorIn)).toFixed(2)}x the in-process floor (target <= 2x)`);
rmSync(home, { recursive: true, force: true });
