import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore, readAll } from '../../../src/core/storage/index.js';
import { CHUNK_BYTES, encrypted, plaintextSize, type StorageKeys } from '../../../src/core/storage/encrypted.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { tempDir } from '../../helpers/cli.js';
import { codeOf, describeStoreContract } from './contract.js';

function keyring(): StorageKeys & { rotate(): void } {
  const keys = new Map<string, Buffer>([['k1', randomBytes(32)]]);
  const ring = { active: 'k1', keys };
  return {
    vaultId: 'vault-1',
    keyring: ring,
    async dataKey(kid: string) {
      const k = keys.get(kid);
      if (!k) throw new Error('no such key');
      return k;
    },
    rotate() {
      const kid = `k${keys.size + 1}`;
      keys.set(kid, randomBytes(32));
      ring.active = kid;
    },
  };
}

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.splice(0).forEach((d) => d.cleanup()));

describeStoreContract('encrypted(file://)', {
  open: async () => {
    const t = tempDir();
    dirs.push(t);
    return encrypted(new FileStore(join(t.dir, 's')), keyring());
  },
  conditionalWrites: true,
  bigListing: false,
});

async function text(store: { get(k: string): Promise<{ body: AsyncIterable<Uint8Array> }> }, key: string): Promise<Buffer> {
  return readAll((await store.get(key)).body);
}

describe('encrypted store', () => {
  it('stores no plaintext, content type or user metadata in the backend', async () => {
    const inner = new MemoryStore();
    const store = encrypted(inner, keyring());
    await store.put('doc', Buffer.from('top secret payload'), { contentType: 'text/x-secret', metadata: { project: 'apollo' } });
    const raw = inner.objects.get('doc')!;
    expect(raw.bytes.includes(Buffer.from('top secret'))).toBe(false);
    expect(JSON.stringify(raw.info)).not.toMatch(/apollo|text\/x-secret|project/);
    expect(await store.head('doc')).toMatchObject({ size: 18, contentType: 'text/x-secret', metadata: { project: 'apollo' } });
  });

  it('round-trips sizes around chunk boundaries', async () => {
    const store = encrypted(new MemoryStore(), keyring());
    for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 17]) {
      const data = randomBytes(size);
      const info = await store.put(`s${size}`, data);
      expect(info.size).toBe(size);
      expect((await text(store, `s${size}`)).equals(data)).toBe(true);
      expect((await store.head(`s${size}`)).size).toBe(size);
    }
    expect(() => plaintextSize(5, 'x')).toThrow();
  });

  it('rejects every single-byte change of the stored payload and of its metadata (exit 5)', async () => {
    const inner = new MemoryStore();
    const store = encrypted(inner, keyring());
    const data = randomBytes(2 * CHUNK_BYTES + 100);
    await store.put('obj', data, { metadata: { a: 'b' }, contentType: 'text/plain' });
    const original = inner.objects.get('obj')!;
    const pristine = { bytes: Buffer.from(original.bytes), metadata: { ...original.info.metadata } };
    const fields = Object.keys(pristine.metadata);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ where: fc.constant('payload' as const), index: fc.nat({ max: pristine.bytes.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }),
          fc.record({ where: fc.constantFrom(...fields), index: fc.nat({ max: 200 }), xor: fc.integer({ min: 1, max: 127 }) }),
        ),
        async ({ where, index, xor }) => {
          const bytes = Buffer.from(pristine.bytes);
          const metadata = { ...pristine.metadata };
          if (where === 'payload') bytes[index] = (bytes[index] ?? 0) ^ xor;
          else {
            const value = Buffer.from(metadata[where]!, 'latin1');
            const i = index % value.length;
            value[i] = (value[i] ?? 0) ^ xor;
            metadata[where] = value.toString('latin1');
          }
          inner.objects.set('obj', { bytes, info: { ...original.info, metadata } });
          const code = await codeOf(store.get('obj').then((g) => readAll(g.body)));
          expect(['DECRYPT_FAILED', 'INTEGRITY']).toContain(code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects truncation, dropped and reordered chunks, and an object moved to another key', async () => {
    const inner = new MemoryStore();
    const store = encrypted(inner, keyring());
    await store.put('a', randomBytes(3 * CHUNK_BYTES + 5));
    await store.put('b', randomBytes(10));
    const a = inner.objects.get('a')!;
    const sealed = CHUNK_BYTES + 16;
    const header = a.bytes.subarray(0, 12);
    const chunks = [0, 1, 2, 3].map((i) => a.bytes.subarray(12 + i * sealed, 12 + (i + 1) * sealed));
    const variants = [
      a.bytes.subarray(0, 12 + 3 * sealed), // last chunk dropped: a full chunk now ends the stream
      Buffer.concat([header, chunks[1]!, chunks[0]!, chunks[2]!, chunks[3]!]),
      Buffer.concat([header, chunks[0]!, chunks[2]!, chunks[3]!]),
      a.bytes.subarray(0, a.bytes.length - 1),
    ];
    for (const bytes of variants) {
      inner.objects.set('a', { bytes, info: a.info });
      expect(await codeOf(store.get('a').then((g) => readAll(g.body)))).toMatch(/DECRYPT_FAILED|INTEGRITY/);
    }
    inner.objects.set('b', { bytes: a.bytes, info: a.info });
    expect(await codeOf(store.get('b'))).toBe('DECRYPT_FAILED');
  });

  it('re-wraps data keys under a rotated keyring key without re-encrypting payloads', async () => {
    const inner = new MemoryStore();
    const keys = keyring();
    const store = encrypted(inner, keys);
    await store.put('x', Buffer.from('payload x'));
    await store.put('y', Buffer.from('payload y'));
    await inner.put('backups/plain.tar.age', Buffer.from('not written by the wrapper'));
    const before = Buffer.from(inner.objects.get('x')!.bytes);
    keys.rotate();
    expect(await store.rewrapAll()).toEqual({ rewrapped: 2, current: 0 });
    expect(inner.objects.get('x')!.bytes.equals(before)).toBe(true);
    expect(inner.objects.get('x')!.info.metadata.circle_kid).toBe('k2');
    keys.keyring.keys.delete('k1');
    expect((await text(store, 'x')).toString()).toBe('payload x');
    expect(await store.rewrapAll()).toEqual({ rewrapped: 0, current: 2 });
  });
});
