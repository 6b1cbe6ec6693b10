import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStoreKey, etagOf, LocalStateStore } from '../../../src/core/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'circle-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = new LocalStateStore(root);

describe('LocalStateStore', () => {
  it('reads what it wrote, with an etag that changes with the content', async () => {
    expect(await store.read('a.json')).toBeUndefined();
    const etag = await store.put('a.json', '{"n":1}');
    const read = await store.read('a.json');
    expect(read?.bytes.toString()).toBe('{"n":1}');
    expect(read?.etag).toBe(etag);
    expect(etag).toBe(etagOf(Buffer.from('{"n":1}')));
    expect(await store.put('a.json', '{"n":2}')).not.toBe(etag);
    expect((statSync(join(root, 'a.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('compare-and-swap: ifMatch writes only over the version it names', async () => {
    const first = await store.put('cas.json', 'one');
    const second = await store.put('cas.json', 'two', { ifMatch: first });
    await expect(store.put('cas.json', 'three', { ifMatch: first })).rejects.toMatchObject({ code: 'CONFLICT', exitCode: 6 });
    expect((await store.read('cas.json'))?.bytes.toString()).toBe('two');
    await expect(store.delete('cas.json', { ifMatch: first })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.delete('cas.json', { ifMatch: second })).toBe(true);
    expect(await store.delete('cas.json')).toBe(false);
  });

  it('createOnly refuses an existing key and leaves it untouched', async () => {
    await store.createOnly('once.json', 'first', { mode: 0o644 });
    await expect(store.createOnly('once.json', 'second')).rejects.toMatchObject({ code: 'ALREADY_EXISTS', exitCode: 6 });
    expect((await store.read('once.json'))?.bytes.toString()).toBe('first');
    expect((statSync(join(root, 'once.json')).mode & 0o777).toString(8)).toBe('644');
  });

  it('update is a locked read-modify-write: 25 concurrent increments all land', async () => {
    await Promise.all(
      Array.from({ length: 25 }, () =>
        store.update('counter.json', (current) => {
          const n = current ? Number(current.bytes.toString()) : 0;
          return { bytes: String(n + 1), result: n + 1 };
        }),
      ),
    );
    expect((await store.read('counter.json'))?.bytes.toString()).toBe('25');
  });

  it('update without bytes leaves the state alone; a failing change writes nothing', async () => {
    await store.put('keep.json', 'kept');
    expect(await store.update('keep.json', (c) => ({ result: c?.bytes.toString() }))).toBe('kept');
    await expect(store.update('keep.json', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await store.read('keep.json'))?.bytes.toString()).toBe('kept');
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
  });

  it('lists keys under a prefix, without locks or temp files', async () => {
    mkdirSync(join(root, 'dir'));
    await store.put('dir/x.json', 'x');
    await store.put('dir/y.json', 'y');
    expect(await store.list('dir/')).toEqual(['dir/x.json', 'dir/y.json']);
    expect(await store.list('none/')).toEqual([]);
    expect((await store.list('')).includes('a.json')).toBe(true);
  });

  it('refuses keys that could leave the root', () => {
    for (const bad of ['', '../x', 'a/../../x', '/etc/passwd', 'a//b', './a', 'a/.', 'a\\b', 'a\nb']) {
      expect(() => checkStoreKey(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
    fc.assert(
      fc.property(fc.string(), (key) => {
        try {
          checkStoreKey(key);
        } catch {
          return true;
        }
        return !key.split('/').some((s) => s === '..' || s === '.' || s === '') && !key.startsWith('/');
      }),
    );
  });
});
