import { Readable, Transform, type TransformCallback } from 'node:stream';
import { randomKey, sealBytes, openBytes } from '../crypto/aead.js';
import { hkdf } from '../crypto/kdf.js';
import { CircleError, isCircleError } from '../errors.js';
import { chunksOf } from './body.js';
import { validateContentType, validateKey, validateMetadata } from './keys.js';
import type { DeleteOptions, GetResult, ListOptions, ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './types.js';
import { aes256GcmOpen, aes256GcmSeal } from '../crypto/gcm.js';

/**
 * What the wrapper needs from the vault: its id, the active keyring key and a
 * way to fetch older keyring keys (an unlocked VaultContext is one).
 */
export interface StorageKeys {
  vaultId: string;
  keyring: { active: string; keys: Map<string, Buffer> };
  dataKey(kid: string): Promise<Buffer>;
}

/** Plaintext bytes per authenticated chunk (as age does). */
export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const MAGIC = Buffer.from('CIRCENC1', 'ascii');
const HEADER_BYTES = MAGIC.length + 4;
const FORMAT = '1';
const META_KID = 'object';

/** Backend metadata names the wrapper owns; nothing else is stored in the clear. */
const M = { version: 'circle_enc', kid: 'circle_kid', dek: 'circle_dek', meta: 'circle_meta' } as const;

/**
 * Transparent encryption over any ObjectStore. Each object gets a fresh 256-bit
 * data key, wrapped (AES-256-GCM) by the vault keyring's active key with AAD
 * naming the vault, the object key and the keyring key version, so a wrapped key
 * copied to another object or relabelled with another version fails to open.
 * The payload is cut into 64 KiB chunks, each sealed with AES-256-GCM under a
 * key derived from the data key, its nonce the chunk counter and a last-chunk
 * flag (the STREAM construction): a changed byte, reordered or dropped chunks and
 * a truncated object all fail (DECRYPT_FAILED, exit 5). Content type and user
 * metadata are sealed too; the backend sees only the key, sizes and four
 * `circle_*` metadata fields.
 *
 * ETags, conditions and listing pass through to the backend unchanged.
 */
export function encrypted(store: ObjectStore, keys: StorageKeys): EncryptedStore {
  return new EncryptedStore(store, keys);
}

export class EncryptedStore implements ObjectStore {
  readonly url: string;

  constructor(
    readonly inner: ObjectStore,
    private readonly keys: StorageKeys,
  ) {
    this.url = inner.url;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    const metadata = validateMetadata(options.metadata);
    const contentType = validateContentType(options.contentType);
    const kid = this.keys.keyring.active;
    const kek = this.keys.keyring.keys.get(kid);
    if (kek === undefined) throw new CircleError('DECRYPT_FAILED', `The active keyring key ${kid} is not unlocked`);
    const dek = randomKey();
    const { payloadKey, metaKey } = subkeys(dek);
    let size = 0;
    const counting = (async function* () {
      for await (const chunk of chunksOf(body)) {
        size += chunk.length;
        yield chunk;
      }
    })();
    // Sealed under the object's own key, labelled with no keyring version: re-wrapping the data key leaves it valid.
    const sealedMeta = sealBytes(metaKey, META_KID, Buffer.from(JSON.stringify({ contentType, metadata }), 'utf8'), metaAad(this.keys.vaultId, key));
    const innerMeta: Record<string, string> = {
      [M.version]: FORMAT,
      [M.kid]: kid,
      [M.dek]: packBlob(sealBytes(kek, kid, dek, dekAad(this.keys.vaultId, key, kid))),
      [M.meta]: packBlob(sealedMeta),
    };
    dek.fill(0);
    const { signal, ifMatch, ifNoneMatch } = options;
    const info = await this.inner.put(key, Readable.from(encryptChunks(counting, payloadKey)), {
      contentType: 'application/octet-stream',
      metadata: innerMeta,
      ...(signal === undefined ? {} : { signal }),
      ...(ifMatch === undefined ? {} : { ifMatch }),
      ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
    });
    return { ...info, size, metadata, ...(contentType === undefined ? {} : { contentType }) };
  }

  async get(key: string): Promise<GetResult> {
    const { info, body } = await this.inner.get(key);
    try {
      const opened = await this.open(key, info);
      const decrypted = decryptStream(body, opened.payloadKey, opened.size, key);
      return { info: opened.info, body: decrypted };
    } catch (error) {
      body.destroy();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo> {
    return (await this.open(key, await this.inner.head(key))).info;
  }

  async *list(prefix?: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    for await (const info of this.inner.list(prefix, options)) {
      // Backends that list metadata (file, Azure) get it decrypted; S3 listings carry none.
      if (info.metadata[M.meta] !== undefined) yield (await this.open(info.key, info)).info;
      else yield { key: info.key, size: plaintextSize(info.size, info.key), etag: info.etag, lastModified: info.lastModified, metadata: {} };
    }
  }

  delete(key: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(key, options);
  }

  /**
   * Re-wraps every object's data key under the active keyring key (after
   * `circle keys rotate`). Payloads are not re-encrypted: only the wrapped key
   * in the object's metadata changes, written back with the backend's
   * compare-and-swap so a concurrent writer is never overwritten.
   */
  async rewrapAll(prefix?: string): Promise<{ rewrapped: number; current: number }> {
    const active = this.keys.keyring.active;
    const kek = this.keys.keyring.keys.get(active);
    if (kek === undefined) throw new CircleError('DECRYPT_FAILED', `The active keyring key ${active} is not unlocked`);
    let rewrapped = 0;
    let current = 0;
    const keys: string[] = [];
    for await (const info of this.inner.list(prefix)) keys.push(info.key);
    for (const key of keys) {
      const { info, body } = await this.inner.get(key);
      // Objects the wrapper did not write (a backup in the same store) are not ours to re-wrap.
      if (info.metadata[M.version] === undefined) {
        body.destroy();
        continue;
      }
      if (info.metadata[M.kid] === active) {
        body.destroy();
        current++;
        continue;
      }
      const dek = await this.unwrapDek(key, info);
      const metadata = { ...info.metadata, [M.kid]: active, [M.dek]: packBlob(sealBytes(kek, active, dek, dekAad(this.keys.vaultId, key, active))) };
      dek.fill(0);
      await this.inner.put(key, body, { metadata, ifMatch: info.etag, ...(info.contentType === undefined ? {} : { contentType: info.contentType }) });
      rewrapped++;
    }
    return { rewrapped, current };
  }

  private async unwrapDek(key: string, info: ObjectInfo): Promise<Buffer> {
    const { [M.version]: version, [M.kid]: kid, [M.dek]: wrapped, [M.meta]: meta } = info.metadata;
    if (version !== FORMAT || kid === undefined || wrapped === undefined || meta === undefined) {
      throw new CircleError('INTEGRITY', `Object ${JSON.stringify(key)} is not a circle-encrypted object (or its metadata was changed)`);
    }
    const kek = await this.keys.dataKey(kid).catch(() => {
      throw tampered(key);
    });
    return openBytes(kek, unpackBlob(wrapped, kid, key), dekAad(this.keys.vaultId, key, kid));
  }

  private async open(key: string, info: ObjectInfo): Promise<{ info: ObjectInfo; payloadKey: Buffer; size: number }> {
    try {
      const dek = await this.unwrapDek(key, info);
      const { payloadKey, metaKey } = subkeys(dek);
      dek.fill(0);
      const meta = JSON.parse(openBytes(metaKey, unpackBlob(info.metadata[M.meta] as string, META_KID, key), metaAad(this.keys.vaultId, key)).toString('utf8')) as {
        contentType?: string;
        metadata: Record<string, string>;
      };
      const size = plaintextSize(info.size, key);
      return {
        info: { key, size, etag: info.etag, lastModified: info.lastModified, ...(meta.contentType === undefined ? {} : { contentType: meta.contentType }), metadata: meta.metadata },
        payloadKey,
        size,
      };
    } catch (error) {
      if (isCircleError(error)) throw error.code === 'DECRYPT_FAILED' ? tampered(key) : error;
      throw tampered(key);
    }
  }
}

function subkeys(dek: Buffer): { payloadKey: Buffer; metaKey: Buffer } {
  return { payloadKey: hkdf(dek, 'circle-storage', 'payload'), metaKey: hkdf(dek, 'circle-storage', 'metadata') };
}

function dekAad(vaultId: string, key: string, kid: string): string {
  return `storage-dek|${vaultId}|${kid}|${Buffer.byteLength(key)}:${key}`;
}

function metaAad(vaultId: string, key: string): string {
  return `storage-meta|${vaultId}|${Buffer.byteLength(key)}:${key}`;
}

/** iv ‖ tag ‖ ciphertext, base64url: compact enough for S3's 2 KiB of metadata. */
function packBlob(blob: { iv: string; tag: string; ct: string }): string {
  return Buffer.concat([Buffer.from(blob.iv, 'base64'), Buffer.from(blob.tag, 'base64'), Buffer.from(blob.ct, 'base64')]).toString('base64url');
}

function unpackBlob(packed: string, kid: string, key: string): { v: 1; alg: 'A256GCM'; kid: string; iv: string; tag: string; ct: string } {
  if (!/^[A-Za-z0-9_-]+$/.test(packed)) throw tampered(key);
  const bytes = Buffer.from(packed, 'base64url');
  if (bytes.length < 28 || bytes.toString('base64url') !== packed) throw tampered(key);
  return { v: 1, alg: 'A256GCM', kid, iv: bytes.subarray(0, 12).toString('base64'), tag: bytes.subarray(12, 28).toString('base64'), ct: bytes.subarray(28).toString('base64') };
}

function tampered(key: string): CircleError {
  return new CircleError('DECRYPT_FAILED', `Encrypted object ${JSON.stringify(key)} failed its integrity check (tampered, truncated, moved, or another vault's)`, {
    hint: 'Nothing was written. Restore the object from a backup.',
  });
}

/** Chunks are bound by their nonce (counter and last flag); the object's identity is bound by its wrapped data key. */
const NO_AAD = Buffer.alloc(0);

function nonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(Math.floor(counter / 2 ** 32), 3);
  n.writeUInt32BE(counter >>> 0, 7);
  n[11] = last ? 1 : 0;
  return n;
}

function sealChunk(key: Buffer, counter: number, last: boolean, plaintext: Uint8Array): Buffer {
  const { ct, tag } = aes256GcmSeal(key, plaintext, NO_AAD, nonce(counter, last));
  return Buffer.concat([ct, tag], ct.length + tag.length);
}

/** The encrypted payload: a small header, then sealed chunks, the last one flagged. */
async function* encryptChunks(source: AsyncIterable<Buffer>, key: Buffer): AsyncGenerator<Buffer> {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(CHUNK_BYTES, MAGIC.length);
  yield header;
  let pending: Buffer = Buffer.alloc(0);
  let counter = 0;
  for await (const chunk of source) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    // Hold back at least one byte: the last chunk must be flagged, and only the end of input says which it is.
    const batch: Buffer[] = [];
    while (pending.length > CHUNK_BYTES) {
      batch.push(sealChunk(key, counter++, false, pending.subarray(0, CHUNK_BYTES)));
      pending = pending.subarray(CHUNK_BYTES);
    }
    if (batch.length > 0) yield batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch);
  }
  yield sealChunk(key, counter, true, pending);
}

/** Plaintext size from the stored size (the header and one tag per chunk removed); corrupt sizes are DECRYPT_FAILED. */
export function plaintextSize(stored: number, key: string): number {
  const body = stored - HEADER_BYTES;
  if (body < TAG_BYTES) throw tampered(key);
  const full = Math.floor(body / (CHUNK_BYTES + TAG_BYTES));
  const rest = body % (CHUNK_BYTES + TAG_BYTES);
  if (rest === 0) return body - full * TAG_BYTES;
  if (rest < TAG_BYTES) throw tampered(key);
  return body - (full + 1) * TAG_BYTES;
}

/** Decrypts as it streams; the end of input must be a flagged last chunk, so truncation is caught. */
function decryptStream(source: Readable, key: Buffer, expected: number, objectKey: string): Readable {
  const sealed = CHUNK_BYTES + TAG_BYTES;
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let headerSeen = false;
  let counter = 0;
  let produced = 0;
  const open = (bytes: Buffer, last: boolean): Buffer => {
    if (bytes.length < TAG_BYTES || (!last && bytes.length !== sealed)) throw tampered(objectKey);
    const plain = aes256GcmOpen(key, { iv: nonce(counter++, last), ct: bytes.subarray(0, bytes.length - TAG_BYTES), tag: bytes.subarray(bytes.length - TAG_BYTES) }, NO_AAD);
    if (plain === undefined) throw tampered(objectKey);
    produced += plain.length;
    return plain;
  };
  const take = (): Buffer => {
    const all = buffered.length === 1 ? (buffered[0] as Buffer) : Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    return all;
  };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        buffered.push(chunk);
        bufferedBytes += chunk.length;
        if (!headerSeen) {
          if (bufferedBytes < HEADER_BYTES) return callback();
          const all = take();
          if (!all.subarray(0, MAGIC.length).equals(MAGIC) || all.readUInt32BE(MAGIC.length) !== CHUNK_BYTES) throw tampered(objectKey);
          headerSeen = true;
          if (all.length > HEADER_BYTES) {
            buffered.push(all.subarray(HEADER_BYTES));
            bufferedBytes = all.length - HEADER_BYTES;
          }
        }
        // Strictly more than one sealed chunk buffered: the first is not the last.
        if (bufferedBytes > sealed) {
          const all = take();
          let offset = 0;
          const out: Buffer[] = [];
          while (all.length - offset > sealed) {
            out.push(open(all.subarray(offset, offset + sealed), false));
            offset += sealed;
          }
          buffered.push(all.subarray(offset));
          bufferedBytes = all.length - offset;
          callback(null, out.length === 1 ? out[0] : Buffer.concat(out));
          return;
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!headerSeen) throw tampered(objectKey);
        const last = open(take(), true);
        if (produced !== expected) throw tampered(objectKey);
        callback(null, last);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  source.on('error', (error) => transform.destroy(error));
  transform.on('close', () => source.destroy());
  return source.pipe(transform);
}

/**
 * The home's default store as a record store for `circle keys rotate --reencrypt`:
 * re-wraps the data keys of the encrypted objects in `<home>/storage` under the new
 * keyring key (payloads untouched) and reports how many it re-wrapped.
 */
export function homeStorageRecordStore(): { name: string; reencryptAll(ctx: StorageKeys & { home: string }): Promise<number> } {
  return {
    name: 'storage',
    async reencryptAll(ctx) {
      const { FileStore } = await import('./file.js');
      const { defaultStoreRoot } = await import('./url.js');
      return (await encrypted(new FileStore(defaultStoreRoot(ctx.home)), ctx).rewrapAll()).rewrapped;
    },
  };
}
