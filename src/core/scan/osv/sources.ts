import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, unzipSync } from 'fflate';
import { CircleError, errnoCode } from '../../errors.js';
import { OsvIndexBuilder } from './build.js';
import type { IndexMeta } from './store.js';

export interface ImportProgress {
  (event: { source: string; records: number }): void;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

export function looksLikeZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b) || EMPTY_ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/** Adds every OSV record of a zip archive (as OSV publishes: one `<ID>.json` per record); returns how many. */
export function addZip(builder: OsvIndexBuilder, bytes: Uint8Array, label: string): number {
  if (!looksLikeZip(bytes)) throw new CircleError('INTEGRITY', `${label} is not a zip archive`, { hint: 'Expected an OSV `all.zip` archive.' });
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name.endsWith('.json') });
  } catch (error) {
    throw new CircleError('INTEGRITY', `${label} is a damaged zip archive`, { cause: error, hint: 'Download it again.' });
  }
  let count = 0;
  const decoder = new TextDecoder();
  for (const [name, data] of Object.entries(files)) {
    count += addJsonText(builder, decoder.decode(data), `${label}!${name}`);
  }
  return count;
}

/** One JSON document: a single OSV record, an array of them, or `{ "vulns": [...] }` (osv-scanner's output shape). */
export function addJsonText(builder: OsvIndexBuilder, text: string, label: string): number {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new CircleError('INTEGRITY', `${label} is not valid JSON`, { cause: error });
  }
  const records = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { vulns?: unknown }).vulns) ? (doc as { vulns: unknown[] }).vulns : [doc];
  let count = 0;
  for (const r of records) if (builder.add(r)) count++;
  return count;
}

async function addPath(builder: OsvIndexBuilder, p: string, onProgress?: ImportProgress): Promise<number> {
  let info;
  try {
    info = await stat(p);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new CircleError('NOT_FOUND', `No such file or directory: ${p}`);
    throw error;
  }
  if (info.isDirectory()) {
    let count = 0;
    for (const entry of (await readdir(p)).sort()) count += await addPath(builder, path.join(p, entry), onProgress);
    return count;
  }
  let count = 0;
  if (p.endsWith('.zip')) count = addZip(builder, await readFile(p), p);
  else if (p.endsWith('.json')) count = addJsonText(builder, await readFile(p, 'utf8'), p);
  else if (p.endsWith('.json.gz')) count = addJsonText(builder, new TextDecoder().decode(gunzipSync(await readFile(p))), p);
  else return 0;
  onProgress?.({ source: p, records: builder.advisories });
  return count;
}

/**
 * `circle scan db import`: reads OSV JSON from directories (recursively), zip
 * archives and JSON files, and replaces the index in one atomic step.
 */
export async function importOsvDatabase(sources: string[], cacheDir: string, options: { now?: Date; onProgress?: ImportProgress } = {}): Promise<IndexMeta> {
  const builder = new OsvIndexBuilder(options.now);
  let records = 0;
  for (const s of sources) records += await addPath(builder, path.resolve(s), options.onProgress);
  if (records === 0) {
    throw new CircleError('USAGE', `No OSV records found in ${sources.join(', ')}`, { hint: 'Point it at a directory or zip of OSV JSON files (e.g. OSV’s per-ecosystem all.zip).' });
  }
  return builder.commit(cacheDir, sources.map((s) => path.resolve(s)));
}
