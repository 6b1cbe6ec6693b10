import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CircleError } from '../../src/core/errors.js';
import { readAll } from '../../src/core/storage/body.js';
import { validateKey, validatePrefix } from '../../src/core/storage/keys.js';
import type { DeleteOptions, GetResult, ObjectBody, ObjectInfo, ObjectStore, PutOptions } from '../../src/core/storage/types.js';

/** An in-memory store whose raw bytes and metadata a test can change (tamper tests). */
export class MemoryStore implements ObjectStore {
  readonly url = 'memory://test';
  readonly objects = new Map<string, { bytes: Buffer; info: ObjectInfo }>();

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    const bytes = await readAll(body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : (body as AsyncIterable<Uint8Array>));
    const current = this.objects.get(key);
    if (options.ifNoneMatch === '*' && current) throw new CircleError('CONFLICT', 'exists');
    if (options.ifMatch !== undefined && current?.info.etag !== options.ifMatch) throw new CircleError('CONFLICT', 'changed');
    const info: ObjectInfo = { key, size: bytes.length, etag: randomBytes(8).toString('hex'), lastModified: new Date().toISOString(), metadata: { ...(options.metadata ?? {}) }, ...(options.contentType ? { contentType: options.contentType } : {}) };
    this.objects.set(key, { bytes, info });
    return { ...info, metadata: { ...info.metadata } };
  }

  async get(key: string): Promise<GetResult> {
    const o = this.find(key);
    return { info: { ...o.info, size: o.bytes.length, metadata: { ...o.info.metadata } }, body: Readable.from([Buffer.from(o.bytes)]) };
  }

  async head(key: string): Promise<ObjectInfo> {
    const o = this.find(key);
    return { ...o.info, size: o.bytes.length, metadata: { ...o.info.metadata } };
  }

  async *list(prefix?: string): AsyncIterable<ObjectInfo> {
    const p = validatePrefix(prefix);
    for (const key of [...this.objects.keys()].filter((k) => k.startsWith(p)).sort()) yield this.head(key);
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const o = this.find(key);
    if (options.ifMatch !== undefined && o.info.etag !== options.ifMatch) throw new CircleError('CONFLICT', 'changed');
    this.objects.delete(key);
  }

  private find(key: string) {
    validateKey(key);
    const o = this.objects.get(key);
    if (!o) throw new CircleError('NOT_FOUND', 'missing');
    return o;
  }
}
