import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, readAll } from '../../../src/core/storage/index.js';
import type { ObjectStore } from '../../../src/core/storage/types.js';
import { S3RVER_CREDENTIALS, S3_TEST_BUCKET, startS3Server, type TestServer } from '../../helpers/servers.js';
import { codeOf, describeStoreContract } from './contract.js';

let server: TestServer;
let counter = 0;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => server?.stop());

const secrets: Record<string, string> = { 'secret://S3_KEY': S3RVER_CREDENTIALS.accessKeyId, 'secret://S3_SECRET': S3RVER_CREDENTIALS.secretAccessKey };
const readSecret = async (ref: string) => secrets[ref] ?? Promise.reject(new Error(`unknown ${ref}`));

function urlFor(prefix: string): string {
  return `s3://${S3_TEST_BUCKET}/${prefix}?endpoint=${encodeURIComponent(server.endpoint)}&region=us-east-1&forcePathStyle=true&accessKeyId=secret://S3_KEY&secretAccessKey=secret://S3_SECRET`;
}

async function open(retry = { attempts: 3, baseDelayMs: 20 }): Promise<ObjectStore> {
  return openStore(urlFor(`t${++counter}-${process.pid}`), { readSecret, retry });
}

// s3rver ignores If-None-Match / If-Match: the conditional cases are not provable against it and are
// skipped here; they run on the file backend and Azurite. Real S3 and MinIO honour both.
describeStoreContract('s3:// (s3rver)', { open: () => open(), conditionalWrites: false });

describe('S3 backend', () => {
  it('keeps credentials out of store.url', async () => {
    const store = await open();
    expect(store.url).not.toContain('S3RVER');
    expect(store.url).toContain('secret%3A%2F%2FS3_SECRET');
  });

  it('refuses wrong credentials with PERMISSION_DENIED (exit 3)', async () => {
    const store = await openStore(urlFor('denied'), { readSecret: async () => 'wrong' });
    expect(await codeOf(store.put('k', Buffer.from('x')))).toBe('PERMISSION_DENIED');
  });

  it('reports a dead server clearly after bounded retries, and succeeds once it is back', async () => {
    const store = await open({ attempts: 3, baseDelayMs: 10 });
    await store.put('before', Buffer.from('1'));
    await server.kill();
    try {
      const error = await store.get('before').catch((e: unknown) => e as Error & { code?: string });
      expect(error).toMatchObject({ code: 'IO' });
      expect((error as Error).message).toMatch(/failed after 3 attempts/);
    } finally {
      await server.restart();
    }
    expect((await readAll((await store.get('before')).body)).toString()).toBe('1');
  });

  it('a server killed mid-upload fails the put and leaves no object; a retry succeeds', async () => {
    const store = await open({ attempts: 1, baseDelayMs: 10 });
    async function* body() {
      for (let i = 0; i < 40; i++) {
        if (i === 20) await server.kill();
        yield Buffer.alloc(1024 * 1024, i);
      }
    }
    try {
      await expect(store.put('big', body())).rejects.toMatchObject({ exitCode: 10 });
    } finally {
      await server.restart();
    }
    expect(await codeOf(store.head('big'))).toBe('NOT_FOUND');
    const again = await store.put('big', Buffer.alloc(3 * 1024 * 1024, 7));
    expect(again.size).toBe(3 * 1024 * 1024);
  });
});
