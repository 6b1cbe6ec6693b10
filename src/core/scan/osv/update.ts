import { CircleError } from '../../errors.js';
import { addZip } from './sources.js';
import { OsvIndexBuilder } from './build.js';
import type { IndexMeta } from './store.js';
import { ECOSYSTEMS } from '../deps/types.js';

/** OSV publishes one archive per ecosystem (https://google.github.io/osv.dev/data/#data-dumps). */
export const OSV_DUMP_BASE = 'https://osv-vulnerabilities.storage.googleapis.com';
export function defaultOsvUrls(ecosystems: readonly string[] = ECOSYSTEMS): string[] {
  return ecosystems.map((e) => `${OSV_DUMP_BASE}/${encodeURIComponent(e)}/all.zip`);
}

export interface UpdateOptions {
  now?: Date;
  /** Refuse archives larger than this many bytes (a hostile or broken server cannot fill the disk or memory). */
  maxBytes?: number;
  timeoutMs?: number;
  onProgress?: (event: { url: string; bytes: number; done: boolean }) => void;
  fetchImpl?: typeof fetch;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;

/**
 * `circle scan db update`: downloads each archive, checks it is a zip of OSV
 * JSON, and only when every archive is good writes a new index generation —
 * so a failed or partial update leaves the previous database in use.
 */
export async function updateOsvDatabase(urls: string[], cacheDir: string, options: UpdateOptions = {}): Promise<IndexMeta> {
  const builder = new OsvIndexBuilder(options.now);
  for (const url of urls) {
    const bytes = await download(url, options);
    const count = addZip(builder, bytes, url);
    if (count === 0) throw new CircleError('INTEGRITY', `${url} holds no OSV records`, { hint: 'Check the URL: it should be an OSV all.zip archive.' });
  }
  return builder.commit(cacheDir, urls);
}

async function download(url: string, options: UpdateOptions): Promise<Uint8Array> {
  const max = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 300_000), redirect: 'follow' });
  } catch (error) {
    throw new CircleError('IO', `Could not download ${url}: ${(error as Error).message}`, { cause: error, hint: 'Check the network, or import a downloaded archive with `circle scan db import`.' });
  }
  if (!response.ok || !response.body) {
    throw new CircleError(response.status === 404 ? 'NOT_FOUND' : 'IO', `Downloading ${url} failed: HTTP ${response.status}`, { hint: 'Check the URL.' });
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) throw new CircleError('INTEGRITY', `${url} is larger than the ${max}-byte limit`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) throw new CircleError('INTEGRITY', `${url} is larger than the ${max}-byte limit`);
    chunks.push(chunk);
    options.onProgress?.({ url, bytes: total, done: false });
  }
  options.onProgress?.({ url, bytes: total, done: true });
  return Buffer.concat(chunks);
}
