import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore, openStore, readAll } from '../../../src/core/storage/index.js';
import { tempDir } from '../../helpers/cli.js';
import { codeOf, collect, describeStoreContract } from './contract.js';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.splice(0).forEach((d) => d.cleanup()));
function freshRoot(): string {
  const t = tempDir();
  dirs.push(t);
  return join(t.dir, 'store');
}

describeStoreContract('file://', { open: async () => openStore(`file://${freshRoot()}`), conditionalWrites: true });

function objectFile(root: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  return join(root, 'objects', hash.slice(0, 2), hash);
}

describe('file store on disk', () => {
  it('defaults to <home>/storage and strips nothing from a file URL', async () => {
    const home = freshRoot();
    const store = await openStore(undefined, { home });
    expect(store.url).toBe(`file://${home}/storage`);
    await store.put('x', Buffer.from('1'));
    expect(statSync(join(home, 'storage')).isDirectory()).toBe(true);
  });

  it('writes private files and leaves no temp or lock file behind', async () => {
    const root = freshRoot();
    const store = new FileStore(root);
    await store.put('k', Buffer.from('v'));
    const file = objectFile(root, 'k');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(readdirSync(join(file, '..'))).toEqual([file.split('/').pop()]);
  });

  it('detects a flipped payload byte when the object is read (INTEGRITY, exit 5)', async () => {
    const root = freshRoot();
    const store = new FileStore(root);
    await store.put('k', Buffer.from('important payload'));
    const file = objectFile(root, 'k');
    const bytes = readFileSync(file);
    bytes[3] = (bytes[3] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    expect(await codeOf(store.get('k').then((g) => readAll(g.body)))).toBe('INTEGRITY');
  });

  it('detects a truncated file, a damaged header and an object moved to another key', async () => {
    const root = freshRoot();
    const store = new FileStore(root);
    await store.put('a', Buffer.from('aaa'));
    await store.put('b', Buffer.from('bbb'));
    const a = objectFile(root, 'a');
    const original = readFileSync(a);
    writeFileSync(a, original.subarray(0, original.length - 3));
    expect(await codeOf(store.head('a'))).toBe('INTEGRITY');
    const damaged = Buffer.from(original);
    damaged[original.length - 20] = (damaged[original.length - 20] ?? 0) ^ 0x20;
    writeFileSync(a, damaged);
    expect(await codeOf(store.head('a'))).toBe('INTEGRITY');
    writeFileSync(a, original);
    const b = objectFile(root, 'b');
    mkdirSync(join(b, '..'), { recursive: true });
    renameSync(a, b);
    expect(await codeOf(store.get('b'))).toBe('INTEGRITY');
    expect(await codeOf(collect(store.list()))).toBe('INTEGRITY');
  });

  it('ignores uploads left in tmp/ by a killed process', async () => {
    const root = freshRoot();
    const store = new FileStore(root);
    await store.put('k', Buffer.from('v'));
    writeFileSync(join(root, 'tmp', 'deadbeef.tmp'), 'half an upload');
    expect((await collect(store.list())).map((i) => i.key)).toEqual(['k']);
  });
});

describe('store URLs', () => {
  it('refuses literal credentials and unknown parameters without echoing them', async () => {
    for (const url of ['s3://AKIA:supersecret@bucket/p', 's3://bucket/p?secretAccessKey=supersecret&accessKeyId=AKIA', 'azblob://acct/cont?accountKey=supersecret']) {
      const error = await openStore(url).catch((e: unknown) => e as Error);
      expect(error).toMatchObject({ code: 'USAGE' });
      expect((error as Error).message).not.toContain('supersecret');
    }
    expect(await codeOf(openStore('s3://bucket/p?colour=red'))).toBe('USAGE');
    expect(await codeOf(openStore('ftp://x/y'))).toBe('USAGE');
  });
});
