// Bundles the embeddable license verifier (dist/core/license/index.js, the tsc output) into one
// ES module, dist/license.js, which package.json exports as `circle-core/license`.
//
// Why: an app that verifies its license at start-up pays for every module file it loads; one
// file instead of ~15 takes a measurable share off a cold start (bench/license.mjs). Only
// node: built-ins stay imports; test/core/license/module-graph.test.ts checks both outputs.
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
await esbuild.build({
  entryPoints: [`${root}dist/core/license/index.js`],
  outfile: `${root}dist/license.js`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
});
