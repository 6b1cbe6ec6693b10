#!/usr/bin/env node
/**
 * circle pkg benchmarks (run after `npm run build`), each beside its baseline in the same run:
 *  - `circle pkg pack` of a 10,000-file folder vs `npm pack` of the same folder (target ≤ 1×);
 *  - `circle pkg install` of that package from a local file:// registry (signature and integrity
 *    checked) vs `npm install ./x.tgz --offline` (target ≤ 1×);
 *  - resolving a 500-package graph from a local registry (target < 1 s), beside the time to just
 *    read and parse those 500 packuments.
 * Inputs live under bench/.work/pkg (git-ignored) and are removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, line, median, repoRoot } from './lib.mjs';

const work = join(repoRoot, 'bench/.work/pkg');
rmSync(work, { recursive: true, force: true });
const src = join(work, 'big');
mkdirSync(src, { recursive: true });
writeFileSync(join(src, 'package.json'), JSON.stringify({ name: '@bench/big', version: '1.0.0', main: 'index.js' }));
writeFileSync(join(src, 'index.js'), 'module.exports = 1;\n');
for (let d = 0; d < 100; d++) {
  mkdirSync(join(src, 'lib', `d${d}`), { recursive: true });
  for (let f = 0; f < (d === 0 ? 98 : 99); f++) writeFileSync(join(src, 'lib', `d${d}`, `f${f}.js`), `// file ${d}/${f}\nmodule.exports = ${d * 100 + f};\n`);
}
const home = join(work, 'home');
const env = { ...process.env, CIRCLE_HOME: home, CI: 'true', NO_COLOR: '1', npm_config_loglevel: 'silent', npm_config_fund: 'false', npm_config_audit: 'false' };
for (const k of Object.keys(env)) if (k.startsWith('CIRCLE_') && k !== 'CIRCLE_HOME') delete env[k];
const run = (cmd, args, options = {}) => {
  const start = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
};
const fmt = (ms) => `${ms.toFixed(0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// ------------------------------------------------------------------ pack
const out = join(work, 'out');
mkdirSync(out);
const packTimes = { circle: [], npm: [] };
for (let i = 0; i < RUNS + 1; i++) {
  const c = run(process.execPath, [cli, 'pkg', 'pack', src, '--pack-destination', out, '--quiet']);
  const n = run('npm', ['pack', '--pack-destination', out, '--ignore-scripts'], { cwd: src });
  if (i > 0) {
    packTimes.circle.push(c);
    packTimes.npm.push(n);
  }
}
const packC = median(packTimes.circle);
const packN = median(packTimes.npm);
line('pkg pack, 10,000 files', fmt(packC), `npm pack ${fmt(packN)}  → ${ratio(packC, packN)} (target ≤ 1×)`);

// ------------------------------------------------------------------ install
const PASSWORD = 'correct horse battery staple';
run(process.execPath, [cli, 'init', '--admin', 'bench', '--password-stdin', '--no-mfa', '--yes'], { input: `${PASSWORD}\n` });
run(process.execPath, [cli, 'auth', 'login', '--user', 'bench', '--password-stdin'], { input: `${PASSWORD}\n` });
run(process.execPath, [cli, 'pkg', 'keys', 'create']);
const registry = join(work, 'registry');
run(process.execPath, [cli, 'pkg', 'publish', src, '--registry', registry]);
const tgz = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')));
const installTimes = { circle: [], npm: [] };
for (let i = 0; i < RUNS + 1; i++) {
  const pc = join(work, `proj-circle-${i}`);
  const pn = join(work, `proj-npm-${i}`);
  for (const p of [pc, pn]) {
    mkdirSync(p);
    writeFileSync(join(p, 'package.json'), '{"name":"bench-consumer","version":"1.0.0"}');
  }
  const c = run(process.execPath, [cli, 'pkg', 'install', '@bench/big', '--registry', registry, '--dir', pc, '--quiet']);
  const n = run('npm', ['install', tgz, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: pn });
  if (i > 0) {
    installTimes.circle.push(c);
    installTimes.npm.push(n);
  }
}
const instC = median(installTimes.circle);
const instN = median(installTimes.npm);
line('pkg install, 10,000 files, verified', fmt(instC), `npm install ./x.tgz --offline ${fmt(instN)}  → ${ratio(instC, instN)} (target ≤ 1×)`);

// ------------------------------------------------------------------ resolve
const { FileStore } = await import(join(repoRoot, 'dist/core/storage/index.js'));
const { Registry, packumentKey } = await import(join(repoRoot, 'dist/core/pkg/registry.js'));
const { resolveGraph } = await import(join(repoRoot, 'dist/core/pkg/resolve.js'));
const graphStore = new FileStore(join(work, 'graph-registry'));
const N = 500;
// Package i has five versions and depends on up to four later packages, with caret ranges.
for (let i = 0; i < N; i++) {
  const name = `g${i}`;
  const doc = { name, 'dist-tags': { latest: '1.4.0' }, versions: {}, time: {} };
  for (let m = 0; m < 5; m++) {
    const version = `1.${m}.0`;
    const dependencies = {};
    for (const j of [i * 2 + 1, i * 2 + 2, i + 7, i + 13]) if (j < N) dependencies[`g${j}`] = `^1.${m % 3}.0`;
    doc.versions[version] = { name, version, dependencies, dist: { tarball: `${name}/-/${name}-${version}.tgz`, integrity: 'sha512-bench' } };
    doc.time[version] = new Date(2026, 0, 1 + m).toISOString();
  }
  await graphStore.put(packumentKey(name), Buffer.from(JSON.stringify(doc)));
}
const resolveTimes = [];
const readTimes = [];
let nodes = 0;
for (let i = 0; i < RUNS + 2; i++) {
  // A fresh Registry per run: nothing cached between runs but the OS page cache.
  const reg = new Registry(new FileStore(join(work, 'graph-registry')));
  let start = performance.now();
  const result = await resolveGraph({ rootName: 'bench', dependencies: { g0: '^1.0.0' }, packument: (name) => reg.requirePackument(name) });
  const r = performance.now() - start;
  nodes = result.nodes.length;
  const reg2 = new Registry(new FileStore(join(work, 'graph-registry')));
  start = performance.now();
  await Promise.all(Array.from({ length: N }, (_, k) => reg2.requirePackument(`g${k}`)));
  const p = performance.now() - start;
  if (i >= 2) {
    resolveTimes.push(r);
    readTimes.push(p);
  }
}
line(`resolve a ${N}-package graph (${nodes} nodes)`, fmt(median(resolveTimes)), `reading the ${N} packuments alone ${fmt(median(readTimes))} (target < 1000 ms)`);

rmSync(work, { recursive: true, force: true });
