// Precompiles the shipped Kubernetes schemas (schemas/kubernetes/<set>.json) into ajv standalone
// validators, dist/k8s-schemas/<set>.<strict|lenient>.cjs, one exported function per
// apiVersion/kind plus an index. Why: compiling the Deployment schema at run time costs more than
// a second; the precompiled module loads in tens of milliseconds, so `deploy validate` stays
// within its budget (bench/deploy.mjs). Strict = additionalProperties: false on every object
// that lists its properties (kubeconform's -strict). Skipped when the output is newer than the input.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/k8s-schemas`;
mkdirSync(outDir, { recursive: true });

export function closeObjects(value) {
  if (Array.isArray(value)) return value.map(closeObjects);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, closeObjects(s)])) : closeObjects(v);
    }
    if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  }
  return value;
}

for (const file of readdirSync(`${root}schemas/kubernetes`).filter((f) => f.endsWith('.json'))) {
  const set = file.replace(/\.json$/, '');
  const source = `${root}schemas/kubernetes/${file}`;
  const { definitions } = JSON.parse(readFileSync(source, 'utf8'));
  for (const mode of ['strict', 'lenient']) {
    const target = `${outDir}/${set}.${mode}.cjs`;
    try {
      if (statSync(target).mtimeMs > statSync(source).mtimeMs && statSync(target).mtimeMs > statSync(fileURLToPath(import.meta.url)).mtimeMs) continue;
    } catch {
      /* not built yet */
    }
    // Formats (int-or-string, int32, …) are not validated, as kubeconform; x-kubernetes-* keywords are ignored.
    const ajv = new Ajv.default({ strict: false, validateFormats: false, inlineRefs: false, code: { source: true, optimize: 1 } });
    ajv.addSchema({ $id: 'k8s', definitions: mode === 'strict' ? closeObjects(definitions) : definitions });
    const refs = {};
    const index = {};
    let n = 0;
    for (const [name, schema] of Object.entries(definitions)) {
      for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
        const id = `k${n++}`;
        refs[id] = `k8s#/definitions/${name}`;
        index[`${g.group}/${g.version}/${g.kind}`.toLowerCase()] = id;
      }
    }
    const code = `${standaloneCode.default(ajv, refs)}\nmodule.exports.__index = ${JSON.stringify(index)};\n`;
    const { code: minified } = await esbuild.transform(code, { minify: true, format: 'cjs', platform: 'node', target: 'node20' });
    writeFileSync(target, minified);
  }
}
