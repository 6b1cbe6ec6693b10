import type { Readable } from 'node:stream';

/**
 * The one object-store interface: the local filesystem, S3 and Azure Blob all
 * implement it, and the encrypted wrapper, backups and the package registry are
 * written against it alone. Keys are '/'-separated relative names, validated once
 * by the store (no '..', no absolute paths, no control characters, a length cap).
 *
 * Failures are CircleErrors: a missing key NOT_FOUND (4), a failed precondition
 * (ifMatch / ifNoneMatch) CONFLICT (6), refused credentials PERMISSION_DENIED (3),
 * a corrupt object INTEGRITY (5). Transient faults are retried inside the backend.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Opaque version tag: compare it, pass it back in `ifMatch`; never parse it. */
  etag: string;
  /** ISO 8601. */
  lastModified: string;
  contentType?: string;
  /** User metadata: short ASCII names and values. */
  metadata: Record<string, string>;
}

export type ObjectBody = Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** '*': create only; the put fails with CONFLICT if the key exists. */
  ifNoneMatch?: '*';
  /** Compare-and-swap: the put fails with CONFLICT unless the current ETag is this one. */
  ifMatch?: string;
  /** Aborts an upload in progress; nothing is left visible under the key. */
  signal?: AbortSignal;
}

export interface GetResult {
  info: ObjectInfo;
  body: Readable;
}

export interface ListOptions {
  /** Page size hint for backends that page; the iterator hides the paging. */
  pageSize?: number;
}

export interface DeleteOptions {
  ifMatch?: string;
}

export interface ObjectStore {
  /** The URL the store was opened from, with any credentials removed (safe to print). */
  readonly url: string;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  get(key: string): Promise<GetResult>;
  head(key: string): Promise<ObjectInfo>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix?: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  delete(key: string, options?: DeleteOptions): Promise<void>;
}

/** `circle storage ls --json`. */
export interface StorageLsResult {
  store: string;
  prefix: string;
  objects: ObjectInfo[];
}

/** `circle storage put|get|stat --json`: the object's information. */
export interface StorageObjectResult {
  store: string;
  object: ObjectInfo;
}

/** `circle storage rm --json`. */
export interface StorageRmResult {
  store: string;
  key: string;
  deleted: true;
}
