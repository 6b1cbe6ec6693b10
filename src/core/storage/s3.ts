import { PassThrough, Readable, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { CircleError, isCircleError } from '../errors.js';
import { chunksOf } from './body.js';
import { validateContentType, validateKey, validateMetadata, validatePrefix } from './keys.js';
import { DEFAULT_RETRY, describeCause, isTransient, unavailable, withRetry, type RetryOptions } from './retry.js';
import { formatStoreUrl, type S3Location } from './url.js';
import type { DeleteOptions, GetResult, ListOptions, ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './types.js';

/** Parts of a multipart upload; also the largest body sent as one PUT. At most queueSize × partSize is buffered. */
export const S3_PART_SIZE = 8 * 1024 * 1024;
const S3_QUEUE_SIZE = 4;

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3StoreOptions {
  /** Resolved credentials; when absent the SDK's standard chain (env, profile, IMDS…) is used. */
  credentials?: S3Credentials;
  retry?: RetryOptions;
}

/**
 * S3 and S3-compatible services through the official SDK. Bodies that are bytes
 * up to one part go as one PUT (retried as a whole on transient failures);
 * streams go through lib-storage's multipart upload, which buffers at most
 * four 8 MiB parts, retries each part, and aborts the upload on failure so no
 * half object is ever visible. Create-only and compare-and-swap use S3's
 * If-None-Match / If-Match (honoured by AWS S3 and MinIO; s3rver ignores them).
 */
export class S3Store implements ObjectStore {
  readonly url: string;
  private readonly client: S3Client;
  /** Multipart parts cannot be replayed by us once read from the stream, so the SDK retries them. */
  private readonly uploadClient: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly retry: RetryOptions;

  constructor(location: S3Location, options: S3StoreOptions = {}) {
    this.url = formatStoreUrl(location);
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    this.retry = options.retry ?? {};
    const config: S3ClientConfig = {
      region: location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
      ...(location.forcePathStyle === undefined ? {} : { forcePathStyle: location.forcePathStyle }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      // Checksums only where S3 requires them: S3-compatible servers differ in which trailers they accept.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.client = new S3Client({ ...config, maxAttempts: 1 });
    this.uploadClient = new S3Client({ ...config, maxAttempts: this.retry.attempts ?? DEFAULT_RETRY.attempts });
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    const metadata = validateMetadata(options.metadata);
    const contentType = validateContentType(options.contentType);
    if (options.ifNoneMatch !== undefined && options.ifMatch !== undefined) throw new CircleError('USAGE', 'Give ifNoneMatch or ifMatch, not both');
    options.signal?.throwIfAborted();
    const params = {
      Bucket: this.bucket,
      Key: this.prefix + key,
      Metadata: metadata,
      ...(contentType === undefined ? {} : { ContentType: contentType }),
      ...(options.ifNoneMatch === undefined ? {} : { IfNoneMatch: options.ifNoneMatch }),
      ...(options.ifMatch === undefined ? {} : { IfMatch: options.ifMatch }),
    };
    const info = (etag: string | undefined, size: number): ObjectInfo => ({
      key,
      size,
      etag: etag ?? '',
      lastModified: new Date().toISOString(),
      ...(contentType === undefined ? {} : { contentType }),
      metadata,
    });
    if (body instanceof Uint8Array && body.length <= S3_PART_SIZE) {
      const out = await this.call(`S3 put of ${JSON.stringify(key)}`, key, (signal) =>
        this.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: body.length }), { abortSignal: signal }), options.signal);
      return info(out.ETag, body.length);
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
    const upload = new Upload({
      client: this.uploadClient,
      params: { ...params, Body: counted },
      partSize: S3_PART_SIZE,
      queueSize: S3_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const out = await upload.done();
      options.signal?.throwIfAborted();
      return info(out.ETag, size);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw mapS3Error(error, key, 'put', this.retry.attempts ?? DEFAULT_RETRY.attempts);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      counted.destroy();
    }
  }

  async get(key: string): Promise<GetResult> {
    validateKey(key);
    const out = await this.call(`S3 get of ${JSON.stringify(key)}`, key, (signal) =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }), { abortSignal: signal }));
    const size = out.ContentLength ?? 0;
    const info: ObjectInfo = {
      key,
      size,
      etag: out.ETag ?? '',
      lastModified: (out.LastModified ?? new Date()).toISOString(),
      ...(out.ContentType === undefined ? {} : { contentType: out.ContentType }),
      metadata: { ...(out.Metadata ?? {}) },
    };
    const source = out.Body as Readable | undefined;
    return { info, body: source === undefined ? Readable.from([]) : lengthChecked(source, size, key) };
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    const out = await this.call(`S3 head of ${JSON.stringify(key)}`, key, (signal) =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }), { abortSignal: signal }));
    return {
      key,
      size: out.ContentLength ?? 0,
      etag: out.ETag ?? '',
      lastModified: (out.LastModified ?? new Date()).toISOString(),
      ...(out.ContentType === undefined ? {} : { contentType: out.ContentType }),
      metadata: { ...(out.Metadata ?? {}) },
    };
  }

  async *list(prefix?: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const wanted = this.prefix + validatePrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.call('S3 list', undefined, (signal) =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: wanted, MaxKeys: options.pageSize ?? 1000, ...(token === undefined ? {} : { ContinuationToken: token }) }),
          { abortSignal: signal },
        ));
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        // S3 listings carry no user metadata; `head` has it.
        yield { key: item.Key.slice(this.prefix.length), size: item.Size ?? 0, etag: item.ETag ?? '', lastModified: (item.LastModified ?? new Date()).toISOString(), metadata: {} };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    // S3 deletes a missing key silently; circle reports it (exit 4), and checks ifMatch before, as well as in, the request.
    const current = await this.head(key);
    if (options.ifMatch !== undefined && current.etag !== options.ifMatch) {
      throw new CircleError('CONFLICT', `Object ${JSON.stringify(key)} changed since it was read (its ETag differs)`, { details: { key } });
    }
    await this.call(`S3 delete of ${JSON.stringify(key)}`, key, (signal) =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, ...(options.ifMatch === undefined ? {} : { IfMatch: options.ifMatch }) }), {
        abortSignal: signal,
      }));
  }

  /** Closes the SDK's sockets. */
  destroy(): void {
    this.client.destroy();
    this.uploadClient.destroy();
  }

  private async call<T>(what: string, key: string | undefined, request: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await withRetry(what, () => request(signal), { ...this.retry, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      throw mapS3Error(error, key, what, 1);
    }
  }
}

/** Ends the body with an error when the connection drops before Content-Length bytes arrived. */
function lengthChecked(source: Readable, expected: number, key: string): Readable {
  let seen = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      if (seen === expected) callback();
      else callback(new CircleError('IO', `Download of ${JSON.stringify(key)} ended after ${seen} of ${expected} bytes`, { hint: 'The connection dropped; retry.' }));
    },
  });
  source.on('error', (error) => check.destroy(mapS3Error(error, key, 'S3 get', 1) as Error));
  check.on('close', () => source.destroy());
  source.pipe(check);
  return check.pipe(new PassThrough());
}

/** Maps an SDK failure to a CircleError; never includes request headers or credentials. */
export function mapS3Error(error: unknown, key: string | undefined, what: string, attempts: number): unknown {
  if (isCircleError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  const subject = key === undefined ? 'the bucket' : `object ${JSON.stringify(key)}`;
  if (name === 'NoSuchBucket') return new CircleError('NOT_FOUND', 'The S3 bucket does not exist', { cause: error });
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new CircleError('NOT_FOUND', `No object ${JSON.stringify(key ?? '')}`, { details: { key } });
  if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412 || status === 409) {
    return new CircleError('CONFLICT', `Object ${JSON.stringify(key ?? '')} already exists or changed since it was read`, { hint: 'Read it again and retry.', details: { key } });
  }
  if (status === 401 || status === 403 || ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'CredentialsProviderError'].includes(name)) {
    return new CircleError('PERMISSION_DENIED', `S3 refused access to ${subject} (${name || `HTTP ${status}`})`, { hint: 'Check the credentials and the bucket policy.', cause: error });
  }
  if (isTransient(error)) return unavailable(what, e.$metadata?.attempts ?? attempts, error);
  return new CircleError('IO', `${what} failed: ${describeCause(error)}`, { cause: error });
}
