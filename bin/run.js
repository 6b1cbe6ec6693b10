#!/usr/bin/env node
// oclif's colour detection ignores NO_COLOR; chalk and ora read FORCE_COLOR when first imported.
if (process.env.NO_COLOR !== undefined || process.argv.includes('--no-color')) process.env.FORCE_COLOR = '0';

// `circle … | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

if (process.argv.length === 3 && process.argv[2] === '--version') {
  // Scripts call `circle --version` often; answer in oclif's format without loading the bundle.
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  // The installed CLI runs its compiled bundle, never TypeScript sources that oclif would look for
  // (and transpile with a ts-node or tsx it finds in node_modules) when NODE_ENV is not "production".
  globalThis.oclif = { ...globalThis.oclif, enableAutoTranspile: false };
  const { loadCli } = await import('./load-cli.js');
  await loadCli().execute({ dir: import.meta.url });
}
