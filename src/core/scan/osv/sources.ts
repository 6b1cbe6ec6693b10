import { closeSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'fflate';
import { CircleError, errnoCode } from '../../errors.js';
import { OsvIndexBuilder } from './build.js';
import type { IndexMeta } from './store.js';
import { ZipFile, ZipFormatError } from './zip-file.js';

export interface ImportProgress {
  (event: { source: string; records: number }): void;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** No OSV record comes near this; a bigger entry is a damaged or hostile archive (a zip bomb). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export function looksLikeZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b) || EMPTY_ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Adds every OSV record of a zip archive on disk (as OSV publishes: one `<ID>.json`
 * per record); returns how many. Entries are read one at a time (zip-file.ts).
 */
export function addZipFile(builder: OsvIndexBuilder, file: string, label: string): number {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (!looksLikeZip(head)) throw new CircleError('INTEGRITY', `${label} is not a zip archive`, { hint: 'Expected an OSV `all.zip` archive.' });
  const zip = new ZipFile(file);
  try {
    let count = 0;
    const decoder = new TextDecoder();
    for (const entry of zip.entries()) {
      if (!entry.name.endsWith('.json')) continue;
      count += addJsonText(builder, decoder.decode(zip.readEntry(entry, MAX_RECORD_BYTES)), `${label}!${entry.name}`);
    }
    return count;
  } catch (error) {
    if (error instanceof ZipFormatError) throw new CircleError('INTEGRITY', `${label} is a damaged zip archive: ${error.message}`, { cause: error, hint: 'Download it again.' });
    throw error;
  } finally {
    zip.close();
  }
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
  if (p.endsWith('.zip')) count = addZipFile(builder, p, p);
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
