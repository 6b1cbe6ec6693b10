import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CircleError } from '../../errors.js';
import { addZipFile } from './sources.js';
import { OsvIndexBuilder } from './build.js';
import { indexRoot, type IndexMeta } from './store.js';
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
 * `circle scan db update`: downloads each archive to a temporary file in the
 * cache directory (memory stays flat however large the archive), checks it is a
 * zip of OSV JSON, and only when every archive is good writes a new index
 * generation — so a failed or partial update leaves the previous database in use.
 */
export async function updateOsvDatabase(urls: string[], cacheDir: string, options: UpdateOptions = {}): Promise<IndexMeta> {
  const builder = new OsvIndexBuilder(options.now);
  const root = indexRoot(cacheDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await removeStaleDownloads(root);
  for (const url of urls) {
    const file = path.join(root, `${DOWNLOAD_PREFIX}${randomBytes(6).toString('hex')}.zip`);
    try {
      await download(url, file, options);
      const count = addZipFile(builder, file, url);
      if (count === 0) throw new CircleError('INTEGRITY', `${url} holds no OSV records`, { hint: 'Check the URL: it should be an OSV all.zip archive.' });
    } finally {
      await rm(file, { force: true });
    }
  }
  return builder.commit(cacheDir, urls);
}

const DOWNLOAD_PREFIX = 'download-';

/** Downloads a crashed update left behind (a day old: a running update's file is never that old). */
async function removeStaleDownloads(root: string): Promise<void> {
  for (const entry of await readdir(root)) {
    if (!entry.startsWith(DOWNLOAD_PREFIX)) continue;
    const file = path.join(root, entry);
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 86_400_000) await rm(file, { force: true });
  }
}

/** Streams `url` into a new private file, refusing more than the byte limit. */
async function download(url: string, file: string, options: UpdateOptions): Promise<void> {
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
  const handle = await open(file, 'wx', 0o600);
  try {
    let total = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > max) throw new CircleError('INTEGRITY', `${url} is larger than the ${max}-byte limit`);
      await handle.write(chunk);
      options.onProgress?.({ url, bytes: total, done: false });
    }
    options.onProgress?.({ url, bytes: total, done: true });
  } catch (error) {
    if (error instanceof CircleError) throw error;
    throw new CircleError('IO', `Could not download ${url}: ${(error as Error).message}`, { cause: error, hint: 'Check the network, or import a downloaded archive with `circle scan db import`.' });
  } finally {
    await handle.close();
  }
}
