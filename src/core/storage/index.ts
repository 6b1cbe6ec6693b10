import { CircleError } from '../errors.js';
import { FileStore } from './file.js';
import { defaultStoreRoot, parseStoreUrl, type StoreLocation } from './url.js';
import type { ObjectStore } from './types.js';
import type { RetryOptions } from './retry.js';

export type * from './types.js';
export { FileStore } from './file.js';
export { validateKey, validatePrefix, validateMetadata, MAX_KEY_BYTES } from './keys.js';
export { parseStoreUrl, formatStoreUrl, defaultStoreRoot } from './url.js';
export type { StoreLocation, FileLocation, S3Location, AzblobLocation } from './url.js';
export { readAll } from './body.js';
export { encrypted, EncryptedStore, plaintextSize, type StorageKeys } from './encrypted.js';
export { mapLimit } from './concurrency.js';
export { withRetry, isTransient, backoffDelay, type RetryOptions } from './retry.js';

/** Reads the secret a `secret://` reference names (wired to the vault by the caller). */
export type SecretResolver = (reference: string) => Promise<string>;

export interface OpenStoreOptions {
  /** The circle home: the default store is `<home>/storage`. */
  home?: string;
  /** Resolves `secret://` credential references in S3 / Azure URLs. */
  readSecret?: SecretResolver;
  /** Relative plain paths resolve against this (default: process.cwd()). */
  cwd?: string;
  /** Bounds on retries of transient failures (S3, Azure). */
  retry?: RetryOptions;
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

async function openLocation(location: StoreLocation, options: OpenStoreOptions): Promise<ObjectStore> {
  switch (location.kind) {
    case 'file':
      return new FileStore(location.root);
    case 's3': {
      // The SDKs are loaded only when a remote store is used: most commands never pay for them.
      const { S3Store } = await import('./s3.js');
      const credentials =
        location.accessKeyId === undefined || location.secretAccessKey === undefined
          ? undefined
          : {
              accessKeyId: await resolveSecret(location.accessKeyId, options),
              secretAccessKey: await resolveSecret(location.secretAccessKey, options),
              ...(location.sessionToken === undefined ? {} : { sessionToken: await resolveSecret(location.sessionToken, options) }),
            };
      return new S3Store(location, { ...(credentials === undefined ? {} : { credentials }), ...(options.retry === undefined ? {} : { retry: options.retry }) });
    }
    case 'azblob': {
      const { AzureBlobStore } = await import('./azblob.js');
      return new AzureBlobStore(location, {
        ...(location.connectionString === undefined ? {} : { connectionString: await resolveSecret(location.connectionString, options) }),
        ...(location.accountKey === undefined ? {} : { accountKey: await resolveSecret(location.accountKey, options) }),
        ...(location.sasToken === undefined ? {} : { sasToken: await resolveSecret(location.sasToken, options) }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
      });
    }
  }
}

async function resolveSecret(reference: string, options: OpenStoreOptions): Promise<string> {
  if (options.readSecret === undefined) {
    throw new CircleError('AUTH_REQUIRED', `The store URL refers to ${reference}, but no vault is open to read it`, {
      hint: 'Log in (circle auth login) so circle can read the credential, or use the standard credential environment variables.',
    });
  }
  return options.readSecret(reference);
}
