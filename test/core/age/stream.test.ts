import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { processFile } from '../../../src/core/age/file.js';
import { createDecryptor, createEncryptor, generateX25519KeyPair, X25519Identity, X25519Recipient, type AgeStreamProcessor } from '../../../src/core/age/index.js';

const pair = generateX25519KeyPair();
const recipient = new X25519Recipient(pair.recipient);
const identity = new X25519Identity(pair.identity);

/** Feeds `data` in pieces of the given sizes through one reused buffer, as the file reader does. */
async function feed(p: AgeStreamProcessor, data: Buffer, sizes: number[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const emit = (b: Buffer) => out.push(b);
  const scratch = Buffer.alloc(Math.max(1, ...sizes));
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, data.length - offset);
    data.copy(scratch, 0, offset, offset + n);
    await p.update(scratch.subarray(0, n), emit);
    scratch.fill(0xaa); // the processor must not have kept a reference to the input
    offset += n;
  }
  await p.final(emit);
  p.dispose();
  return Buffer.concat(out);
}

describe('stream processors', () => {
  it('round-trip whatever the input splitting, with input buffers reused between calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 17),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (size, sizes, armor) => {
          const data = randomBytes(size);
          const ct = await feed(await createEncryptor([recipient], { armor }), data, sizes);
          expect((await feed(createDecryptor([identity]), ct, sizes)).equals(data)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
  it('emits no plaintext of a chunk whose tag fails', async () => {
    const data = randomBytes(2 * 65536 + 5);
    const ct = await feed(await createEncryptor([recipient]), data, [1 << 20]);
    const bad = Buffer.from(ct);
    bad[bad.length - 21 - 100]! ^= 1; // inside the second of three chunks (the last one is 5 + 16 bytes)
    const out: Buffer[] = [];
    const p = createDecryptor([identity]);
    await expect(
      (async () => {
        await p.update(bad, (b) => out.push(b));
        await p.final((b) => out.push(b));
      })(),
    ).rejects.toMatchObject({ exitCode: 5 });
    expect(Buffer.concat(out).equals(data.subarray(0, 65536))).toBe(true);
  });
});

describe('processFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'circle-age-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('writes the output atomically, with reads and writes in flight across many buffers', async () => {
    const data = randomBytes(3 * 262_208 + 12_345);
    writeFileSync(join(dir, 'in'), data);
    await processFile(join(dir, 'in'), await createEncryptor([recipient]), join(dir, 'in.age'), { collect: () => undefined });
    await processFile(join(dir, 'in.age'), createDecryptor([identity]), join(dir, 'out'));
    expect(readFileSync(join(dir, 'out')).equals(data)).toBe(true);
  });
  it('leaves no output and no temp file when the input is damaged', async () => {
    const ct = readFileSync(join(dir, 'in.age'));
    const bad = Buffer.from(ct);
    bad[bad.length - 10]! ^= 1;
    writeFileSync(join(dir, 'bad.age'), bad);
    writeFileSync(join(dir, 'short.age'), ct.subarray(0, ct.length - 65_552));
    for (const name of ['bad.age', 'short.age']) {
      await expect(processFile(join(dir, name), createDecryptor([identity]), join(dir, `${name}.out`))).rejects.toMatchObject({ exitCode: 5 });
      expect(existsSync(join(dir, `${name}.out`))).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
