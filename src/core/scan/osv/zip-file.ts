import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import zlib from 'node:zlib';

/**
 * Reads the entries of a ZIP archive from disk one at a time, so an OSV
 * `all.zip` (hundreds of MB, 200,000+ entries) is never held in memory whole:
 * only its central directory and the entry being read are. Handles what OSV and
 * common tools write — stored and deflated entries, ZIP64 — and refuses the rest
 * (encryption, other methods, multi-disk) as a damaged archive.
 * (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT)
 */

export class ZipFormatError extends Error {}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** Reads are served from a window of this size, so entries laid out in order cost one read per few MB. */
const WINDOW = 4 * 1024 * 1024;

const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export class ZipFile {
  private readonly fd: number;
  private readonly size: number;
  private window = Buffer.alloc(0);
  private windowAt = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The archive's entries, from its central directory. */
  entries(): ZipEntry[] {
    const { count, offset, length } = this.centralDirectory();
    const cd = this.read(offset, length);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) throw new ZipFormatError('central directory entry is damaged');
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const end = at + 46 + nameLength + extraLength + commentLength;
      if (end > cd.length) throw new ZipFormatError('central directory entry is truncated');
      const entry: ZipEntry = {
        flags: cd.readUInt16LE(at + 8),
        method: cd.readUInt16LE(at + 10),
        crc32: cd.readUInt32LE(at + 16),
        compressedSize: cd.readUInt32LE(at + 20),
        size: cd.readUInt32LE(at + 24),
        localHeaderOffset: cd.readUInt32LE(at + 42),
        name: cd.toString((cd.readUInt16LE(at + 8) & 0x800) !== 0 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      };
      applyZip64Extra(entry, cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
      entries.push(entry);
      at = end;
    }
    return entries;
  }

  /** An entry's uncompressed bytes; refuses an entry larger than `maxSize` or whose checksum does not match. */
  readEntry(entry: ZipEntry, maxSize: number): Buffer {
    if ((entry.flags & 1) !== 0) throw new ZipFormatError(`${entry.name} is encrypted`);
    if (entry.size > maxSize) throw new ZipFormatError(`${entry.name} is larger than ${maxSize} bytes`);
    const header = this.read(entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL) throw new ZipFormatError(`${entry.name}: local header is damaged`);
    const dataAt = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = this.read(dataAt, entry.compressedSize);
    let content: Buffer;
    if (entry.method === 0) content = Buffer.from(data);
    else if (entry.method === 8) {
      try {
        content = zlib.inflateRawSync(data, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (error) {
        throw new ZipFormatError(`${entry.name}: ${(error as Error).message}`);
      }
    } else throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}`);
    if (content.length !== entry.size) throw new ZipFormatError(`${entry.name}: size does not match the directory`);
    if (crc32 && crc32(content) >>> 0 !== entry.crc32) throw new ZipFormatError(`${entry.name}: checksum does not match`);
    return content;
  }

  private centralDirectory(): { count: number; offset: number; length: number } {
    const tailLength = Math.min(this.size, 22 + MAX_COMMENT);
    const tail = this.read(this.size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new ZipFormatError('no end of central directory record (not a zip, or cut short)');
    if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw new ZipFormatError('multi-disk archives are not supported');
    let count = tail.readUInt16LE(eocd + 10);
    let length = tail.readUInt32LE(eocd + 12);
    let offset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || length === 0xffffffff || offset === 0xffffffff) {
      const locatorAt = this.size - tailLength + eocd - 20;
      const locator = locatorAt >= 0 ? this.read(locatorAt, 20) : undefined;
      if (!locator || locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new ZipFormatError('ZIP64 locator missing');
      const record = this.read(uint64(locator, 8), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('ZIP64 end of central directory is damaged');
      count = uint64(record, 32);
      length = uint64(record, 40);
      offset = uint64(record, 48);
    }
    if (offset + length > this.size) throw new ZipFormatError('central directory lies outside the file');
    return { count, offset, length };
  }

  /** Bytes [offset, offset + length) of the file; throws when the file is shorter. */
  private read(offset: number, length: number): Buffer {
    if (offset < 0 || offset + length > this.size) throw new ZipFormatError('an entry points outside the file');
    if (offset >= this.windowAt && offset + length <= this.windowAt + this.window.length) {
      return this.window.subarray(offset - this.windowAt, offset - this.windowAt + length);
    }
    const size = Math.min(Math.max(length, WINDOW), this.size - offset);
    const window = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(this.fd, window, got, size - got, offset + got);
      if (n === 0) throw new ZipFormatError('the file was cut short while reading');
      got += n;
    }
    this.window = window;
    this.windowAt = offset;
    return window.subarray(0, length);
  }
}

/** A little-endian u64 that must fit a JS number (ZIP64 sizes in practice do). */
function uint64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('ZIP64 value too large');
  return Number(value);
}

/** Fields set to 0xffffffff in the directory come from the ZIP64 extra field (id 1), in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  if (entry.size !== 0xffffffff && entry.compressedSize !== 0xffffffff && entry.localHeaderOffset !== 0xffffffff) return;
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let p = at + 4;
      const next = (): number => {
        if (p + 8 > at + 4 + length) throw new ZipFormatError(`${entry.name}: ZIP64 extra field is short`);
        const v = uint64(extra, p);
        p += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
  throw new ZipFormatError(`${entry.name}: ZIP64 sizes without a ZIP64 extra field`);
}
