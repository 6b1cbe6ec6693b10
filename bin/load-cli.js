// Loads dist/cli.cjs (the bundled commands and oclif, see scripts/bundle-cli.mjs) with the V8
// code cache made at build time, so that start-up skips compiling ~3 MB of JavaScript.
// Node 20 has no module compile cache of its own (module.enableCompileCache came in Node 22).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
// CommonJS's wrapper plus the function that stands in for `import()` (see scripts/bundle-cli.mjs).
const wrapperStart = '(function (exports, require, module, __filename, __dirname, __circleImport) { ';
const wrapperEnd = '\n});';

/** @returns {Buffer | undefined} the code cache, if it was made from exactly these bundle bytes */
function matchingCodeCache(source) {
  let file;
  try {
    file = readFileSync(`${bundle}.cache`);
  } catch {
    return undefined;
  }
  const digest = createHash('sha256').update(source).digest();
  return file.length > digest.length && digest.equals(file.subarray(0, digest.length))
    ? file.subarray(digest.length)
    : undefined;
}

/** Compiles and runs the bundle; the build calls this with `useCache: false` to make the cache. */
export function compileCli({ useCache }) {
  const source = readFileSync(bundle);
  const cachedData = useCache ? matchingCodeCache(source) : undefined;
  // The build writes the bundle as ASCII, so latin1 decoding is exact and cheaper than UTF-8.
  const script = new vm.Script(`${wrapperStart}${source.toString('latin1')}${wrapperEnd}`, { filename: bundle, cachedData });
  const module = new Module(bundle);
  module.filename = bundle;
  module.paths = Module._nodeModulePaths(dirname(bundle));
  const importModule = (specifier) => import(specifier);
  script
    .runInThisContext()
    .call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle), importModule);
  module.loaded = true;
  // oclif's explicit command discovery `require`s the bundle again: hand it this instance.
  Module._cache[bundle] = module;
  return { exports: module.exports, script, usedCodeCache: cachedData !== undefined && !script.cachedDataRejected };
}

/** @returns {{ execute: Function, COMMANDS: Record<string, unknown> }} */
export function loadCli() {
  return compileCli({ useCache: true }).exports;
}
