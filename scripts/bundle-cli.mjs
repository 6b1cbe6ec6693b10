// Bundles the compiled commands, @oclif/core and the modules they load at start-up into one
// CommonJS file, dist/cli.cjs, plus a V8 code cache for it (dist/cli.cjs.cache).
//
// Why: loading ~350 separate modules (oclif is ~220 CommonJS files, zod ~100 ES modules) and
// compiling them cost ~300 ms before any command ran. One file read and a code cache take a
// fraction of that. The library (dist/index.js) stays the plain tsc output.
//
// Run after `tsc`; bin/run.js loads the result through bin/load-cli.js.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/cli.cjs`;

// oclif's "explicit" command discovery reads this map (package.json: oclif.commands).
// Ids follow oclif's file-name rule: config/get.js is `config:get`, pkg/index.js is `pkg`.
const commandFiles = readdirSync(`${root}dist/commands`, { recursive: true })
  .filter((file) => file.endsWith('.js'))
  .sort();
const commandId = (file) => file.replace(/\.js$/, '').replace(/(^|\/)index$/, '').split('/').join(':');
// Each command is required on first access, so that running one command initialises only its modules.
const entry = [
  "export { execute } from './dist/cli/execute.js';",
  'export const COMMANDS = {};',
  ...commandFiles.map(
    (file) =>
      `Object.defineProperty(COMMANDS, '${commandId(file)}', { enumerable: true, get: () => require('./dist/commands/${file}').default });`,
  ),
].join('\n');

const { outputFiles } = await esbuild.build({
  write: false,
  stdin: { contents: entry, resolveDir: root, sourcefile: 'circle-cli-entry.js', loader: 'js' },
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  external: [
    // native addon
    'argon2',
    // oclif loads plugins from node_modules itself; TypeScript loaders only in oclif's dev mode
    '@oclif/plugin-*',
    'typescript',
    'ts-node',
    'tsx',
    // large and only needed by a few commands: stay separate files, loaded on first use
    '@inquirer/prompts',
    'qrcode',
    '@yarnpkg/parsers',
    'smol-toml',
    '@renovatebot/pep440',
    // deploy validate: CRD schemas only (the built-in ones are precompiled in dist/k8s-schemas)
    'ajv',
    // the storage SDKs: several MB, loaded only when an s3:// or azblob:// store is opened
    '@aws-sdk/*',
    '@azure/*',
  ],
  // The bundle is CommonJS: give `import.meta.url` (used with createRequire) the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
});
// Two rewrites of esbuild's output:
// - esbuild escapes non-ASCII in strings but not in regular expression literals (one in ansis).
//   Escaping those too keeps the file ASCII, which bin/load-cli.js decodes as latin1: a one-byte
//   string that V8 reads faster than a two-byte one. `\uXXXX` means the same in a regex literal.
// - Functions that come from a V8 code cache cannot run `import()` (Node 20 throws
//   ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so each dynamic import (of the external packages,
//   node: modules and oclif's plugins) calls a function that bin/load-cli.js passes in instead.
//   Loaded by a plain `require` (oclif's manifest and readme tools do), it falls back to `import()`.
const prelude = [
  "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;",
  "var __circleImport = typeof __circleImport === 'function' ? __circleImport : (specifier) => import(specifier);",
].join('\n');
const text = outputFiles[0].text
  .replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  .replace(/(?<![\w$.'"`])import\(/g, '__circleImport(');
writeFileSync(bundle, `${prelude}\n${text}`);

// The code cache is made after running one typical command, so that it holds the functions of
// oclif's start-up path as well as the bundle's top level. It starts with the SHA-256 of the bundle
// so that a cache left over from another build is never applied (V8 itself only checks the
// source length).
const { compileCli } = await import('../bin/load-cli.js');
const { exports: cli, script } = compileCli({ useCache: false });
const home = mkdtempSync(join(tmpdir(), 'circle-bundle-'));
const write = process.stdout.write;
process.stdout.write = () => true;
try {
  await cli.execute({ dir: pathToFileURL(`${root}bin/run.js`).href, args: ['config', 'get', 'auth.lockout.maxAttempts', '--home', home] });
} finally {
  process.stdout.write = write;
  rmSync(home, { recursive: true, force: true });
}
const digest = createHash('sha256').update(readFileSync(bundle)).digest();
writeFileSync(`${bundle}.cache`, Buffer.concat([digest, script.createCachedData()]));
