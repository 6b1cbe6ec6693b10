// Builds schemas/kubernetes/<name>.json, the offline Kubernetes schema set `circle deploy validate`
// ships, from a kubernetes-json-schema `_definitions.json` (yannh/kubernetes-json-schema, the
// files kubeconform downloads; derived from the Kubernetes OpenAPI, Apache-2.0).
// Descriptions are dropped (they are 70% of the bytes and validation never reads them).
// Usage: node scripts/build-k8s-schemas.mjs <_definitions.json> <name>
import { readFileSync, writeFileSync } from 'node:fs';

const [source, name] = process.argv.slice(2);
if (!source || !name) throw new Error('usage: build-k8s-schemas.mjs <_definitions.json> <name>');
const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'description') continue;
      // A property *named* description (e.g. in CRD validation schemas) is kept.
      out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strip(s)])) : strip(v);
    }
    return out;
  }
  return value;
};
const defs = JSON.parse(readFileSync(source, 'utf8'));
writeFileSync(new URL(`../schemas/kubernetes/${name}.json`, import.meta.url), `${JSON.stringify({ source: 'yannh/kubernetes-json-schema master/_definitions.json', definitions: strip(defs.definitions) })}\n`);
