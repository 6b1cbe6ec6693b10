import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRevocationSource, splitObjectUrl } from '../../../src/core/license/sources.js';
import { FileStore } from '../../../src/core/storage/file.js';

const dir = mkdtempSync(join(tmpdir(), 'circle-revocation-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--revocations from an object store', () => {
  it('splits an object URL into its store and key, keeping the query on the store', () => {
    expect(splitObjectUrl('s3://bucket/prefix/revocations.txt?region=eu-west-1&forcePathStyle=true')).toEqual({
      storeUrl: 's3://bucket/prefix?region=eu-west-1&forcePathStyle=true',
      key: 'revocations.txt',
    });
    expect(splitObjectUrl('azblob://account/container/list.txt')).toEqual({ storeUrl: 'azblob://account/container', key: 'list.txt' });
  });

  it('reads the object through the store the caller opens, and refuses a URL with no opener', async () => {
    const store = new FileStore(join(dir, 'store'));
    await store.put('revocations.txt', Buffer.from('signed list'));
    const opened: string[] = [];
    const text = await readRevocationSource('azblob://account/container/revocations.txt', async (url) => {
      opened.push(url);
      return store;
    });
    expect(text).toBe('signed list');
    expect(opened).toEqual(['azblob://account/container']);
    await expect(readRevocationSource('s3://bucket/revocations.txt')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(readRevocationSource('azblob://account/container/missing.txt', async () => store)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
