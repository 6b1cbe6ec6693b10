#!/usr/bin/env node
/**
 * `circle deploy` benchmarks (run after `npm run build`):
 *  - render + validate of the 52-resource benchmark tree (test/fixtures/deploy/bench-kustomize-52, `prod`
 *    overlay) beside `kubectl kustomize overlays/prod` alone, measured interleaved in the same run
 *    (target ≤ 1.5×). One process does both: `circle deploy validate --env prod` renders through kubectl
 *    and validates the output; the two-command pipeline (`deploy render` then `deploy validate` of its
 *    output) is printed too;
 *  - `validate` of 1,000 resources in process (strict schemas + every policy check; target < 1 s), beside
 *    parsing the same YAML alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, interleavedMedians, line, median, repoRoot } from './lib.mjs';

const tree = join(repoRoot, 'test/fixtures/deploy/bench-kustomize-52');
const work = join(repoRoot, 'bench/.work/deploy');
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'home'), { recursive: true, mode: 0o700 });
const env = { ...process.env, CIRCLE_HOME: join(work, 'home'), CI: 'true', NO_COLOR: '1' };
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
if (kubectl.error) {
  console.log('kubectl is not installed: skipping the render + validate benchmark');
} else {
  const rendered = join(work, 'prod.yaml');
  writeFileSync(rendered, spawnSync('kubectl', ['kustomize', join(tree, 'overlays/prod')]).stdout);
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  // The benchmark tree has findings (a literal Secret, no TLS, default service account): --fail-on critical keeps exit 0.
  const [baseline, oneProcess, renderOnly, validateFile] = interleavedMedians(
    [
      ['kubectl', ['kustomize', join(tree, 'overlays/prod')]],
      [process.execPath, [cli, 'deploy', 'validate', '--env', 'prod', '--dir', tree, '--fail-on', 'critical', '--quiet']],
      [process.execPath, [cli, 'deploy', 'render', '--env', 'prod', '--dir', tree]],
      [process.execPath, [cli, 'deploy', 'validate', rendered, '--fail-on', 'critical', '--quiet']],
    ],
    runs,
    { env, cwd: work },
  );
  line('kubectl kustomize overlays/prod (baseline)', fmt(baseline));
  line('circle deploy validate --env prod', fmt(oneProcess), `${(oneProcess / baseline).toFixed(2)}× baseline (target ≤ 1.5×)`);
  line('circle deploy render + deploy validate FILE', fmt(renderOnly + validateFile), `${((renderOnly + validateFile) / baseline).toFixed(2)}× baseline (two processes)`);
  line('  circle deploy render --env prod alone', fmt(renderOnly), `${(renderOnly / baseline).toFixed(2)}×`);
}

// ------------------------------------------------------------ 1,000 resources in process
const { parseManifests } = await import(join(repoRoot, 'dist/core/deploy/manifests.js'));
const { validateManifests } = await import(join(repoRoot, 'dist/core/deploy/validate.js'));
const { SchemaValidator } = await import(join(repoRoot, 'dist/core/deploy/schema.js'));
const golden = readFileSync(join(tree, 'rendered-prod.kubectl-kustomize-v5.5.0.yaml'), 'utf8');
const copies = [];
for (let i = 0; copies.length * 52 < 1000; i++) copies.push(golden.replace(/namespace: prod/g, `namespace: prod-${i}`));
const docs = copies.join('---\n').split(/^---\n/m).slice(0, 1000).join('---\n');
const count = parseManifests(docs, 'x').manifests.length;

const started = performance.now();
const validator = await SchemaValidator.create({ strict: true });
const cold = await validateManifests(parseManifests(docs, 'bench.yaml', { rejectDuplicateKeys: true }), { root: work, validator });
const coldMs = performance.now() - started;
const warm = [];
const parseOnly = [];
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  parseManifests(docs, 'bench.yaml', { rejectDuplicateKeys: true });
  parseOnly.push(performance.now() - t);
  t = performance.now();
  await validateManifests(parseManifests(docs, 'bench.yaml', { rejectDuplicateKeys: true }), { root: work, validator });
  warm.push(performance.now() - t);
}
line(`validate ${count} resources, first run (loads schemas)`, fmt(coldMs), `target < 1000 ms; ${cold.findings.length} findings`);
line(`validate ${count} resources, warm`, fmt(median(warm)));
line(`  parse the same YAML alone (baseline)`, fmt(median(parseOnly)));
rmSync(work, { recursive: true, force: true });
