import { PassThrough, Readable } from 'node:stream';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { CircleError, isCircleError } from '../errors.js';
import { chunksOf } from './body.js';
import { validateContentType, validateKey, validateMetadata, validatePrefix } from './keys.js';
import { DEFAULT_RETRY, describeCause, isTransient, unavailable, withRetry, type RetryOptions } from './retry.js';
import { formatStoreUrl, type AzblobLocation } from './url.js';
import type { DeleteOptions, GetResult, ListOptions, ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './types.js';

/** Block size of streamed uploads; at most BLOCK_SIZE × CONCURRENCY bytes are buffered. */
export const AZ_BLOCK_SIZE = 8 * 1024 * 1024;
const AZ_CONCURRENCY = 4;

export interface AzureBlobStoreOptions {
  connectionString?: string;
  accountKey?: string;
  sasToken?: string;
  retry?: RetryOptions;
}

/**
 * Azure Blob Storage (and Azurite) through `@azure/storage-blob`: block blobs,
 * streamed as staged blocks committed in one `commitBlockList` (uncommitted
 * blocks are never visible and expire by themselves), with ETag conditions
 * (`If-None-Match: *`, `If-Match`) that Azure enforces atomically.
 */
export class AzureBlobStore implements ObjectStore {
  readonly url: string;
  private readonly container: ContainerClient;
  /** Staged blocks are read from the caller's stream once, so the SDK retries them itself. */
  private readonly uploadContainer: ContainerClient;
  private readonly prefix: string;
  private readonly retry: RetryOptions;

  constructor(location: AzblobLocation, options: AzureBlobStoreOptions = {}) {
    this.url = formatStoreUrl(location);
    this.prefix = location.prefix;
    this.retry = options.retry ?? {};
    const client = (maxTries: number) => {
      const pipeline: StoragePipelineOptions = { retryOptions: { maxTries, retryDelayInMs: this.retry.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs, maxRetryDelayInMs: this.retry.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs } };
      const endpoint = location.endpoint ?? `https://${location.account}.blob.core.windows.net`;
      if (options.connectionString !== undefined) return BlobServiceClient.fromConnectionString(options.connectionString, pipeline);
      if (options.accountKey !== undefined) return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(location.account, options.accountKey), pipeline);
      if (options.sasToken !== undefined) return new BlobServiceClient(`${endpoint}?${options.sasToken.replace(/^\?/, '')}`, undefined, pipeline);
      return new BlobServiceClient(endpoint, undefined, pipeline);
    };
    this.container = client(1).getContainerClient(location.container);
    this.uploadContainer = client(this.retry.attempts ?? DEFAULT_RETRY.attempts).getContainerClient(location.container);
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    const metadata = validateMetadata(options.metadata);
    const contentType = validateContentType(options.contentType);
    if (options.ifNoneMatch !== undefined && options.ifMatch !== undefined) throw new CircleError('USAGE', 'Give ifNoneMatch or ifMatch, not both');
    options.signal?.throwIfAborted();
    const common = {
      metadata,
      ...(contentType === undefined ? {} : { blobHTTPHeaders: { blobContentType: contentType } }),
      conditions: { ...(options.ifNoneMatch === undefined ? {} : { ifNoneMatch: '*' }), ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }) },
      ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
    };
    const info = (etag: string | undefined, size: number, lastModified: Date | undefined): ObjectInfo => ({
      key,
      size,
      etag: etag ?? '',
      lastModified: (lastModified ?? new Date()).toISOString(),
      ...(contentType === undefined ? {} : { contentType }),
      metadata,
    });
    if (body instanceof Uint8Array && body.length <= AZ_BLOCK_SIZE) {
      const blob = this.container.getBlockBlobClient(this.prefix + key);
      const out = await this.call(`Azure put of ${JSON.stringify(key)}`, key, () => blob.upload(body, body.length, common), options.signal);
      return info(out.etag, body.length, out.lastModified);
    }
    let size = 0;
    const counted = Readable.from(
      (async function* () {
        for await (const chunk of chunksOf(body)) {
          size += chunk.length;
          yield chunk;
        }
      })(),
    );
    try {
      const out = await this.uploadContainer.getBlockBlobClient(this.prefix + key).uploadStream(counted, AZ_BLOCK_SIZE, AZ_CONCURRENCY, common);
      return info(out.etag, size, out.lastModified);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw mapAzureError(error, key, `Azure put of ${JSON.stringify(key)}`, this.retry.attempts ?? DEFAULT_RETRY.attempts);
    } finally {
      counted.destroy();
    }
  }

  async get(key: string): Promise<GetResult> {
    validateKey(key);
    const blob = this.container.getBlobClient(this.prefix + key);
    const out = await this.call(`Azure get of ${JSON.stringify(key)}`, key, () => blob.download(0, undefined, { maxRetryRequests: this.retry.attempts ?? DEFAULT_RETRY.attempts }));
    const info: ObjectInfo = {
      key,
      size: out.contentLength ?? 0,
      etag: out.etag ?? '',
      lastModified: (out.lastModified ?? new Date()).toISOString(),
      ...(out.contentType === undefined ? {} : { contentType: out.contentType }),
      metadata: { ...(out.metadata ?? {}) },
    };
    const source = out.readableStreamBody as Readable | undefined;
    if (source === undefined) return { info, body: Readable.from([]) };
    const body = new PassThrough();
    source.on('error', (error) => body.destroy(mapAzureError(error, key, 'Azure download', 1) as Error));
    body.on('close', () => source.destroy());
    source.pipe(body);
    return { info, body };
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    const blob = this.container.getBlobClient(this.prefix + key);
    const out = await this.call(`Azure head of ${JSON.stringify(key)}`, key, () => blob.getProperties());
    return {
      key,
      size: out.contentLength ?? 0,
      etag: out.etag ?? '',
      lastModified: (out.lastModified ?? new Date()).toISOString(),
      ...(out.contentType === undefined ? {} : { contentType: out.contentType }),
      metadata: { ...(out.metadata ?? {}) },
    };
  }

  async *list(prefix?: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const wanted = this.prefix + validatePrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.call('Azure list', undefined, async () => {
        const iterator = this.container.listBlobsFlat({ prefix: wanted, includeMetadata: true }).byPage({ maxPageSize: options.pageSize ?? 1000, ...(token === undefined ? {} : { continuationToken: token }) });
        const result = await iterator.next();
        return result.done ? undefined : result.value;
      });
      if (page === undefined) return;
      for (const item of page.segment.blobItems) {
        yield {
          key: item.name.slice(this.prefix.length),
          size: item.properties.contentLength ?? 0,
          etag: item.properties.etag ?? '',
          lastModified: item.properties.lastModified.toISOString(),
          ...(item.properties.contentType ? { contentType: item.properties.contentType } : {}),
          metadata: { ...(item.metadata ?? {}) },
        };
      }
      token = page.continuationToken || undefined;
    } while (token !== undefined);
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    validateKey(key);
    const blob = this.container.getBlobClient(this.prefix + key);
    await this.call(`Azure delete of ${JSON.stringify(key)}`, key, () => blob.delete(options.ifMatch === undefined ? {} : { conditions: { ifMatch: options.ifMatch } }));
  }

  private async call<T>(what: string, key: string | undefined, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await withRetry(what, request, { ...this.retry, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      throw mapAzureError(error, key, what, 1);
    }
  }
}

/** Maps an Azure RestError to a CircleError; the request (with its signature) is never included. */
export function mapAzureError(error: unknown, key: string | undefined, what: string, attempts: number): unknown {
  if (isCircleError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const e = error as { statusCode?: number; code?: string; details?: { errorCode?: string } };
  const status = e.statusCode;
  const code = e.details?.errorCode ?? e.code ?? '';
  if (code === 'ContainerNotFound') return new CircleError('NOT_FOUND', 'The Azure container does not exist');
  if (status === 404 || code === 'BlobNotFound') return new CircleError('NOT_FOUND', `No object ${JSON.stringify(key ?? '')}`, { details: { key } });
  if (status === 412 || status === 409 || code === 'ConditionNotMet' || code === 'BlobAlreadyExists') {
    return new CircleError('CONFLICT', `Object ${JSON.stringify(key ?? '')} already exists or changed since it was read`, { hint: 'Read it again and retry.', details: { key } });
  }
  if (status === 401 || status === 403) {
    return new CircleError('PERMISSION_DENIED', `Azure refused access (${code || `HTTP ${status}`})`, { hint: 'Check the account key, SAS token or connection string.' });
  }
  if (isTransient(error)) return unavailable(what, attempts, error);
  return new CircleError('IO', `${what} failed: ${describeCause(error)}`, { cause: error });
}
