/**
 * The state-store interface: how core reads and writes the small state files
 * it owns (vault, sessions, tokens, config, project secrets, lockout counters).
 * It is shaped for conditional writes, not for rename and fsync, so an object
 * store (S3 If-Match / If-None-Match, Azure Blob ETags) can implement it for
 * shared state; the local implementation (./local.ts) is built from the atomic
 * write, the inter-process lock and the content hash of the file.
 *
 * Keys are '/'-separated names relative to the store's root, validated once
 * (./keys.ts). Failures are CircleErrors: a failed precondition is CONFLICT
 * (exit 6), a lock wait LOCK_TIMEOUT (exit 6).
 */

export interface StoredState {
  bytes: Buffer;
  /** Opaque version tag of these bytes: compare it, pass it back in `ifMatch`; never parse it. */
  etag: string;
}

export interface StoreWriteOptions {
  /** Compare-and-swap: fails with CONFLICT unless the current etag is this one. */
  ifMatch?: string;
  /** '*': create only; fails with ALREADY_EXISTS (exit 6) when the key exists. */
  ifNoneMatch?: '*';
  /** POSIX mode of a local file; state is private (0600) unless it is meant to be shared (project files). */
  mode?: number;
}

export interface StoreUpdateOptions extends Pick<StoreWriteOptions, 'mode'> {
  /** How long to wait for a concurrent writer before LOCK_TIMEOUT / CONFLICT (default: the lock scope's timeout). */
  waitMs?: number;
}

/** What an update's `change` returns: new bytes to write (or none, to leave the state as it is) and a result. */
export interface StateChange<R> {
  bytes?: string | Uint8Array;
  result: R;
}

export interface StateStore {
  /** Where the store lives, safe to print (a directory, a bucket URL without credentials). */
  readonly location: string;
  /** The current bytes and etag; undefined when the key does not exist. */
  read(key: string): Promise<StoredState | undefined>;
  /** A conditional write; returns the new etag. */
  put(key: string, bytes: string | Uint8Array, options?: StoreWriteOptions): Promise<string>;
  /** Writes only if the key does not exist yet (ALREADY_EXISTS otherwise). */
  createOnly(key: string, bytes: string | Uint8Array, options?: Pick<StoreWriteOptions, 'mode'>): Promise<string>;
  /**
   * Optimistic read-modify-write: reads, calls `change`, writes with
   * `ifMatch` on the etag it read, and retries `change` on a CONFLICT. The local
   * implementation also holds the key's inter-process lock, so `change` runs once.
   * `change` may run more than once on a shared backend: keep it free of side effects.
   */
  update<R>(key: string, change: (current: StoredState | undefined) => Promise<StateChange<R>> | StateChange<R>, options?: StoreUpdateOptions): Promise<R>;
  /** The keys directly or indirectly under `prefix` ('' for all), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the key (if `ifMatch`, only at that version); false when it did not exist. */
  delete(key: string, options?: Pick<StoreWriteOptions, 'ifMatch'>): Promise<boolean>;
  /** The local path of a key, for stores on the local filesystem (locks, fsync, diagnostics); undefined elsewhere. */
  pathOf?(key: string): string;
}
