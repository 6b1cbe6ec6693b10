import { endianness } from 'node:os';

/**
 * The advisory index's per-ecosystem name table: package name → where that
 * package's candidates sit in the match file. A binary open-addressing hash table,
 * so opening it is one read and no parsing, and a lookup touches a few bytes —
 * a scan's cost follows its lockfile, not the 50,000+ names a database holds
 * (a JSON object of that size took ~80 ms to parse on every scan).
 *
 * Layout (little-endian; every section starts 8-byte aligned, so it can be read
 * through typed arrays without copying):
 *   header   32 bytes: magic `CIRCLENT`, u32 format (1), u32 slot count (a power of two), u32 entry count, zeros
 *   slots    slot count × (u32 name hash, u32 entry number + 1; 0 = empty)
 *   offsets  entry count × f64 data offset
 *   entries  entry count × (u32 data length, u32 name offset, u32 name length, u32 0)
 *   names    the UTF-8 names, concatenated
 * The hash is FNV-1a (32-bit) over the name's UTF-16 code units; slots are probed linearly.
 */

const MAGIC = 'CIRCLENT';
const TABLE_FORMAT = 1;
const HEADER_BYTES = 32;
const SLOT_WORDS = 2;
const ENTRY_WORDS = 4;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Where one package's slice of the data file is. */
export interface DataSlot {
  offset: number;
  length: number;
}

export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function layout(slotCount: number, entryCount: number): { offsetsAt: number; entriesAt: number; namesAt: number } {
  const offsetsAt = HEADER_BYTES + slotCount * SLOT_WORDS * 4;
  const entriesAt = offsetsAt + entryCount * 8;
  return { offsetsAt, entriesAt, namesAt: entriesAt + entryCount * ENTRY_WORDS * 4 };
}

/** Encodes a name table; names must be unique. At most half the slots are used, so probes stay short. */
export function encodeNameTable(entries: readonly ({ name: string } & DataSlot)[]): Buffer {
  let slotCount = 16;
  while (slotCount < entries.length * 2) slotCount *= 2;
  const names = entries.map((e) => Buffer.from(e.name, 'utf8'));
  const namesBytes = names.reduce((n, b) => n + b.length, 0);
  const { offsetsAt, entriesAt, namesAt } = layout(slotCount, entries.length);
  const buf = Buffer.alloc(namesAt + namesBytes);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(TABLE_FORMAT, 8);
  buf.writeUInt32LE(slotCount, 12);
  buf.writeUInt32LE(entries.length, 16);
  const mask = slotCount - 1;
  let nameOffset = 0;
  entries.forEach((entry, i) => {
    const hash = hashName(entry.name);
    let slot = hash & mask;
    while (buf.readUInt32LE(HEADER_BYTES + slot * 8 + 4) !== 0) slot = (slot + 1) & mask;
    buf.writeUInt32LE(hash, HEADER_BYTES + slot * 8);
    buf.writeUInt32LE(i + 1, HEADER_BYTES + slot * 8 + 4);
    buf.writeDoubleLE(entry.offset, offsetsAt + i * 8);
    const at = entriesAt + i * ENTRY_WORDS * 4;
    buf.writeUInt32LE(entry.length, at);
    buf.writeUInt32LE(nameOffset, at + 4);
    buf.writeUInt32LE(names[i]!.length, at + 8);
    names[i]!.copy(buf, namesAt + nameOffset);
    nameOffset += names[i]!.length;
  });
  return buf;
}

/**
 * A read-only view of an encoded table. The constructor checks the layout, so a
 * damaged file fails here, not mid-scan. Lookups read typed arrays laid over the
 * file's bytes: a scan makes one lookup per package and exits before the JIT has
 * warmed up, and typed-array reads stay cheap even in the interpreter.
 */
export class NameTable {
  private readonly mask: number;
  /** Per slot: hash, entry number + 1. */
  private readonly slots: Uint32Array;
  private readonly offsets: Float64Array;
  /** Per entry: data length, name offset, name length, 0. */
  private readonly entries: Uint32Array;
  private readonly names: Buffer;
  readonly size: number;

  constructor(file: Buffer) {
    if (file.length < HEADER_BYTES || file.toString('latin1', 0, 8) !== MAGIC || file.readUInt32LE(8) !== TABLE_FORMAT) throw new Error('not a name table');
    const slotCount = file.readUInt32LE(12);
    this.size = file.readUInt32LE(16);
    if (slotCount === 0 || (slotCount & (slotCount - 1)) !== 0 || this.size >= slotCount) throw new Error('name table header is damaged');
    this.mask = slotCount - 1;
    const { offsetsAt, entriesAt, namesAt } = layout(slotCount, this.size);
    if (file.length < namesAt) throw new Error('name table is truncated');
    // Typed arrays need aligned memory; Node's buffer pool aligns to 8, but a caller's slice may not be.
    const buf = file.byteOffset % 8 === 0 ? file : copyUnpooled(file);
    if (LITTLE_ENDIAN_HOST) {
      this.slots = new Uint32Array(buf.buffer, buf.byteOffset + HEADER_BYTES, slotCount * SLOT_WORDS);
      this.offsets = new Float64Array(buf.buffer, buf.byteOffset + offsetsAt, this.size);
      this.entries = new Uint32Array(buf.buffer, buf.byteOffset + entriesAt, this.size * ENTRY_WORDS);
    } else {
      this.slots = Uint32Array.from({ length: slotCount * SLOT_WORDS }, (_, i) => buf.readUInt32LE(HEADER_BYTES + i * 4));
      this.offsets = Float64Array.from({ length: this.size }, (_, i) => buf.readDoubleLE(offsetsAt + i * 8));
      this.entries = Uint32Array.from({ length: this.size * ENTRY_WORDS }, (_, i) => buf.readUInt32LE(entriesAt + i * 4));
    }
    this.names = buf.subarray(namesAt);
  }

  /** The data slot of `name`, or undefined when the table has no such name. */
  get(name: string): DataSlot | undefined {
    const hash = hashName(name);
    const { slots, entries } = this;
    // A table we wrote always has an empty slot; the bound keeps a tampered one from looping forever.
    for (let slot = hash & this.mask, probes = 0; probes <= this.mask; slot = (slot + 1) & this.mask, probes++) {
      const entry = slots[slot * SLOT_WORDS + 1]!;
      if (entry === 0) return undefined;
      if (slots[slot * SLOT_WORDS] !== hash) continue;
      if (entry > this.size) throw new Error('name table slot points past the entries');
      const e = (entry - 1) * ENTRY_WORDS;
      if (this.nameIs(entries[e + 1]!, entries[e + 2]!, name)) return { offset: this.offsets[entry - 1]!, length: entries[e]! };
    }
    return undefined;
  }

  /** Whether the stored name at [start, start + length) is `name`, without decoding it when it is ASCII. */
  private nameIs(start: number, length: number, name: string): boolean {
    if (start + length > this.names.length) throw new Error('name table entry points past the names');
    if (length === name.length) {
      let ascii = true;
      for (let i = 0; i < length; i++) {
        const c = name.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        if (this.names[start + i] !== c) return false;
      }
      if (ascii) return true;
    }
    return this.names.toString('utf8', start, start + length) === name;
  }
}

function copyUnpooled(file: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(file.length);
  file.copy(copy);
  return copy;
}
