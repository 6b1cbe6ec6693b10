import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipFile, ZipFormatError } from '../../../../src/core/scan/osv/zip-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'circle-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function onDisk(bytes: Uint8Array): string {
  const file = path.join(dir, `a${n++}.zip`);
  writeFileSync(file, bytes);
  return file;
}

function readAll(file: string, maxSize = 1 << 20): Record<string, string> {
  const zip = new ZipFile(file);
  try {
    return Object.fromEntries(zip.entries().map((e) => [e.name, zip.readEntry(e, maxSize).toString('utf8')]));
  } finally {
    zip.close();
  }
}

/**
 * A ZIP64 archive as large-archive writers lay it out: every size and offset in the
 * directory is 0xffffffff with the real value in the ZIP64 extra field, and the
 * entry count lives in the ZIP64 end record (fflate writes no ZIP64, so it is built here).
 */
function zip64(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const deflated = zlib.deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const extra = Buffer.alloc(20);
    extra.writeUInt16LE(1, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(data.length), 4);
    extra.writeBigUInt64LE(BigInt(deflated.length), 12);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(zlib.crc32(data), 14);
    local.writeUInt32LE(0xffffffff, 18);
    local.writeUInt32LE(0xffffffff, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(extra.length, 28);
    parts.push(local, nameBytes, extra, deflated);
    const cdExtra = Buffer.alloc(28);
    cdExtra.writeUInt16LE(1, 0);
    cdExtra.writeUInt16LE(24, 2);
    cdExtra.writeBigUInt64LE(BigInt(data.length), 4);
    cdExtra.writeBigUInt64LE(BigInt(deflated.length), 12);
    cdExtra.writeBigUInt64LE(BigInt(offset), 20);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(45, 4);
    entry.writeUInt16LE(45, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(zlib.crc32(data), 16);
    entry.writeUInt32LE(0xffffffff, 20);
    entry.writeUInt32LE(0xffffffff, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt16LE(cdExtra.length, 30);
    entry.writeUInt32LE(0xffffffff, 42);
    central.push(entry, nameBytes, cdExtra);
    offset += local.length + nameBytes.length + extra.length + deflated.length;
  }
  const cd = Buffer.concat(central);
  const count = Object.keys(files).length;
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeBigUInt64LE(44n, 4);
  end64.writeBigUInt64LE(BigInt(count), 24);
  end64.writeBigUInt64LE(BigInt(count), 32);
  end64.writeBigUInt64LE(BigInt(cd.length), 40);
  end64.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([...parts, cd, end64, locator, end]);
}

describe('zip archives read from disk', () => {
  it('reads what fflate writes, stored or deflated, any names and contents', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.endsWith('/')), fc.string({ maxLength: 2000 }), { maxKeys: 8 }), fc.constantFrom(0, 6), (files, level) => {
        const archive = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])), { level: level as 0 | 6 });
        expect(readAll(onDisk(archive))).toEqual(files);
      }),
      { numRuns: 60 },
    );
  });

  it('reads ZIP64 archives (sizes, offsets and entry count in the ZIP64 records)', () => {
    const files = { 'GHSA-1.json': '{"id":"GHSA-1"}', 'PYSEC-2.json': 'x'.repeat(70_000) };
    expect(readAll(onDisk(zip64(files)))).toEqual(files);
  });

  it.each([
    ['not a zip', () => Buffer.from('<html>captive portal</html>')],
    ['cut short', () => zip64({ 'a.json': '{}' }).subarray(0, 60)],
    ['a damaged entry', () => {
      const z = Buffer.from(zipSync({ 'a.json': strToU8('{"id":"A"}'.repeat(50)) }, { level: 6 }));
      z.writeUInt8(z.readUInt8(40) ^ 0xff, 40); // inside the deflated data
      return z;
    }],
    ['a checksum that does not match', () => {
      const z = Buffer.from(zipSync({ 'a.json': strToU8('{"id":"A"}') }, { level: 0 }));
      const at = 30 + 'a.json'.length; // the stored bytes
      z.writeUInt8(z.readUInt8(at) ^ 0x01, at);
      return z;
    }],
  ])('refuses %s', (_what, bytes) => {
    expect(() => readAll(onDisk(bytes()))).toThrow(ZipFormatError);
  });

  it('refuses an entry larger than the limit before inflating it (a zip bomb)', () => {
    const archive = zipSync({ 'bomb.json': new Uint8Array(5_000_000) }, { level: 9 });
    expect(archive.length).toBeLessThan(20_000);
    expect(() => readAll(onDisk(archive), 1_000_000)).toThrow(/larger than/);
  });
});
