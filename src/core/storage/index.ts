import { CircleError } from '../errors.js';
import { FileStore } from './file.js';
import { defaultStoreRoot, parseStoreUrl, type StoreLocation } from './url.js';
import type { ObjectStore } from './types.js';

export type * from './types.js';
export { FileStore } from './file.js';
export { validateKey, validatePrefix, validateMetadata, MAX_KEY_BYTES } from './keys.js';
export { parseStoreUrl, formatStoreUrl, defaultStoreRoot } from './url.js';
export type { StoreLocation, FileLocation, S3Location, AzblobLocation } from './url.js';
export { readAll } from './body.js';
export { mapLimit } from './concurrency.js';

/** Reads the secret a `secret://` reference names (wired to the vault by the caller). */
export type SecretResolver = (reference: string) => Promise<string>;

export interface OpenStoreOptions {
  /** The circle home: the default store is `<home>/storage`. */
  home?: string;
  /** Resolves `secret://` credential references in S3 / Azure URLs. */
  readSecret?: SecretResolver;
  /** Relative plain paths resolve against this (default: process.cwd()). */
  cwd?: string;
}

/**
 * Opens the object store a URL names: `file:///path` (or a plain path),
 * `s3://bucket/prefix?…` or `azblob://account/container/prefix?…`. Without a
 * URL, the default store under the home (`<home>/storage`).
 */
export async function openStore(url: string | undefined, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  const location = resolveLocation(url, options);
  return openLocation(location, options);
}

export function resolveLocation(url: string | undefined, options: OpenStoreOptions = {}): StoreLocation {
  if (url === undefined || url === '') {
    if (options.home === undefined) throw new CircleError('USAGE', 'No store URL given and no home to default to', { hint: 'Pass --store URL or set storage.url.' });
    return { kind: 'file', root: defaultStoreRoot(options.home) };
  }
  return parseStoreUrl(url, options.cwd);
}

async function openLocation(location: StoreLocation, _options: OpenStoreOptions): Promise<ObjectStore> {
  switch (location.kind) {
    case 'file':
      return new FileStore(location.root);
    case 's3':
    case 'azblob':
      throw new CircleError('USAGE', `The ${location.kind} backend is not available in this build yet`);
  }
}
