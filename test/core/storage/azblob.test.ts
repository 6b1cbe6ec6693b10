import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/storage/index.js';
import type { ObjectStore } from '../../../src/core/storage/types.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type TestServer } from '../../helpers/servers.js';
import { codeOf, describeStoreContract } from './contract.js';

let server: TestServer;
let counter = 0;
const CONTAINER = 'circle-test';
beforeAll(async () => {
  server = await startAzurite();
  const service = new BlobServiceClient(server.endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
  await service.getContainerClient(CONTAINER).create();
});
afterAll(async () => server?.stop());

const readSecret = async (ref: string) => (ref === 'secret://AZ_KEY' ? AZURITE_KEY : Promise.reject(new Error(`unknown ${ref}`)));

function urlFor(prefix: string, container = CONTAINER): string {
  return `azblob://${AZURITE_ACCOUNT}/${container}/${prefix}?endpoint=${encodeURIComponent(server.endpoint)}&accountKey=secret://AZ_KEY`;
}

async function open(): Promise<ObjectStore> {
  return openStore(urlFor(`t${++counter}`), { readSecret, retry: { attempts: 3, baseDelayMs: 20 } });
}

describeStoreContract('azblob:// (Azurite)', { open, conditionalWrites: true });

describe('Azure backend', () => {
  it('keeps the account key out of store.url', async () => {
    const store = await open();
    expect(store.url).not.toContain(AZURITE_KEY.slice(0, 10));
  });

  it('maps a missing container to NOT_FOUND and a wrong key to PERMISSION_DENIED', async () => {
    const missing = await openStore(urlFor('x', 'no-such-container'), { readSecret });
    expect(await codeOf(missing.head('k'))).toBe('NOT_FOUND');
    const wrong = await openStore(urlFor('x'), { readSecret: async () => Buffer.alloc(64, 1).toString('base64') });
    expect(await codeOf(wrong.put('k', Buffer.from('x')))).toBe('PERMISSION_DENIED');
  });
});
