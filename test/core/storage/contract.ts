import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCircleError } from '../../../src/core/errors.js';
import { mapLimit, readAll } from '../../../src/core/storage/index.js';
import type { ObjectInfo, ObjectStore } from '../../../src/core/storage/types.js';

export interface ContractTarget {
  /** A fresh, empty store; each test gets its own prefix or root. */
  open(): Promise<ObjectStore>;
  /** False when the server under test ignores If-None-Match / If-Match (s3rver): those cases are skipped, and say so. */
  conditionalWrites: boolean;
}

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isCircleError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a CircleError, but the call succeeded');
}

export async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out;
}

async function text(store: ObjectStore, key: string): Promise<string> {
  return (await readAll((await store.get(key)).body)).toString('utf8');
}

/** The behaviour every backend must show, run against each (file, S3, Azure). */
export function describeStoreContract(name: string, target: ContractTarget): void {
  const conditional = target.conditionalWrites ? it : it.skip;

  describe(`object store contract: ${name}`, () => {
    it('puts, heads and gets bytes with metadata and content type', async () => {
      const store = await target.open();
      const put = await store.put('a/b.txt', Buffer.from('hello'), { contentType: 'text/plain', metadata: { owner: 'ci', kind_x: 'v 1' } });
      expect(put.size).toBe(5);
      expect(put.etag).not.toBe('');
      const head = await store.head('a/b.txt');
      expect(head).toMatchObject({ key: 'a/b.txt', size: 5, etag: put.etag, contentType: 'text/plain', metadata: { owner: 'ci', kind_x: 'v 1' } });
      expect(Number.isNaN(Date.parse(head.lastModified))).toBe(false);
      const got = await store.get('a/b.txt');
      expect(got.info.etag).toBe(put.etag);
      expect((await readAll(got.body)).toString()).toBe('hello');
    });

    it('streams a Readable and an async iterable in, and an empty object', async () => {
      const store = await target.open();
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
      await store.put('stream', Readable.from(chunks));
      async function* gen() {
        yield new Uint8Array([1, 2, 3]);
        yield new Uint8Array([4]);
      }
      await store.put('iter', gen());
      await store.put('empty', new Uint8Array());
      expect((await readAll((await store.get('stream')).body)).equals(Buffer.concat(chunks))).toBe(true);
      expect([...(await readAll((await store.get('iter')).body))]).toEqual([1, 2, 3, 4]);
      expect((await store.head('empty')).size).toBe(0);
      expect((await readAll((await store.get('empty')).body)).length).toBe(0);
    });

    it('round-trips a multi-part object (12 MiB) byte for byte', async () => {
      const store = await target.open();
      const chunk = Buffer.alloc(1024 * 1024);
      const expected = createHash('sha256');
      async function* body() {
        for (let i = 0; i < 12; i++) {
          chunk.fill(i * 7 + 1);
          chunk.writeUInt32BE(i, 100);
          expected.update(chunk);
          yield Buffer.from(chunk);
        }
      }
      const info = await store.put('big/object.bin', body());
      expect(info.size).toBe(12 * 1024 * 1024);
      const got = createHash('sha256');
      for await (const c of (await store.get('big/object.bin')).body) got.update(c as Buffer);
      expect(got.digest('hex')).toBe(expected.digest('hex'));
    });

    it('reports missing keys as NOT_FOUND (exit 4) for get, head and delete', async () => {
      const store = await target.open();
      expect(await codeOf(store.get('nope'))).toBe('NOT_FOUND');
      expect(await codeOf(store.head('nope'))).toBe('NOT_FOUND');
      expect(await codeOf(store.delete('nope'))).toBe('NOT_FOUND');
    });

    it('overwrites, giving a new ETag, and deletes', async () => {
      const store = await target.open();
      const first = await store.put('k', Buffer.from('one'));
      const second = await store.put('k', Buffer.from('two!'));
      expect(second.etag).not.toBe(first.etag);
      expect(await text(store, 'k')).toBe('two!');
      await store.delete('k');
      expect(await codeOf(store.head('k'))).toBe('NOT_FOUND');
    });

    it('refuses invalid keys with USAGE before touching the backend', async () => {
      const store = await target.open();
      for (const bad of ['', '../x', 'a/../b', '/abs', 'a//b', 'a/', 'a\u0000b', 'a\nb', 'a\\b', 'x'.repeat(1025), '\ud800']) {
        expect(await codeOf(store.put(bad, Buffer.from('x')))).toBe('USAGE');
        expect(await codeOf(store.get(bad))).toBe('USAGE');
      }
    });

    it('keeps unicode and space-containing keys exact', async () => {
      const store = await target.open();
      const keys = ['with space/file name.txt', 'ünïcödé/日本語.txt', 'emoji/🙂 smile', 'plus+and&amp=?#.txt'];
      for (const key of keys) await store.put(key, Buffer.from(key));
      for (const key of keys) expect(await text(store, key)).toBe(key);
      const listed = (await collect(store.list())).map((i) => i.key);
      expect([...listed].sort()).toEqual([...keys].sort());
    });

    it('lists by prefix in key order, across more than 1,000 keys', async () => {
      const store = await target.open();
      const keys = Array.from({ length: 1_050 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
      await mapLimit(keys, 16, (key) => store.put(key, Buffer.from('x')));
      await store.put('other/one', Buffer.from('y'));
      await store.put('manybutnot', Buffer.from('z'));
      const listed = await collect(store.list('many/', { pageSize: 200 }));
      expect(listed.map((i) => i.key)).toEqual(keys);
      expect(listed.every((i) => i.size === 1)).toBe(true);
      expect((await collect(store.list('other/'))).map((i) => i.key)).toEqual(['other/one']);
      expect((await collect(store.list('many'))).length).toBe(1_051);
      expect(await collect(store.list('absent/'))).toEqual([]);
    });

    conditional('create-only put (ifNoneMatch "*") fails with CONFLICT when the key exists', async () => {
      const store = await target.open();
      await store.put('once', Buffer.from('first'), { ifNoneMatch: '*' });
      expect(await codeOf(store.put('once', Buffer.from('second'), { ifNoneMatch: '*' }))).toBe('CONFLICT');
      expect(await text(store, 'once')).toBe('first');
    });

    conditional('compare-and-swap put (ifMatch) succeeds on the current ETag only', async () => {
      const store = await target.open();
      const v1 = await store.put('cas', Buffer.from('v1'));
      const v2 = await store.put('cas', Buffer.from('v2'), { ifMatch: v1.etag });
      expect(await codeOf(store.put('cas', Buffer.from('v3'), { ifMatch: v1.etag }))).toBe('CONFLICT');
      expect(await text(store, 'cas')).toBe('v2');
      expect(await codeOf(store.put('missing', Buffer.from('x'), { ifMatch: v2.etag }))).toMatch(/CONFLICT|NOT_FOUND/);
      await store.put('cas', Buffer.from('v3'), { ifMatch: v2.etag });
      expect(await text(store, 'cas')).toBe('v3');
    });

    conditional('delete with a stale ifMatch fails with CONFLICT and keeps the object', async () => {
      const store = await target.open();
      const v1 = await store.put('d', Buffer.from('v1'));
      await store.put('d', Buffer.from('v2'));
      expect(await codeOf(store.delete('d', { ifMatch: v1.etag }))).toBe('CONFLICT');
      expect(await text(store, 'd')).toBe('v2');
    });

    conditional('20 concurrent create-only puts of one key: exactly one wins, the others get CONFLICT', async () => {
      const store = await target.open();
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.put('race', Buffer.from(`writer ${i}`), { ifNoneMatch: '*' })));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (isCircleError(r.reason) ? r.reason.code : String(r.reason)))).toEqual(Array(19).fill('CONFLICT'));
      const winner = (won[0] as PromiseFulfilledResult<ObjectInfo>).value;
      expect((await store.head('race')).etag).toBe(winner.etag);
    });

    it('an aborted upload leaves nothing visible under the key', async () => {
      const store = await target.open();
      const controller = new AbortController();
      async function* slow() {
        yield Buffer.alloc(64 * 1024, 1);
        controller.abort();
        yield Buffer.alloc(64 * 1024, 2);
      }
      await expect(store.put('aborted', slow(), { signal: controller.signal })).rejects.toThrow();
      expect(await codeOf(store.head('aborted'))).toBe('NOT_FOUND');
      expect(await collect(store.list('aborted'))).toEqual([]);
    });
  });
}
