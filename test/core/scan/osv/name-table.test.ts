import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNameTable, hashName, NameTable } from '../../../../src/core/scan/osv/name-table.js';

describe('index name table', () => {
  it('finds every name it was given and no other (any Unicode, offsets past 4 GiB)', () => {
    const names = fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 24 }), { maxLength: 300 });
    fc.assert(
      fc.property(names, fc.array(fc.string({ unit: 'binary', maxLength: 24 }), { maxLength: 50 }), (present, probes) => {
        const entries = present.map((name, i) => ({ name, offset: i * 2 ** 33 + 7, length: i * 3 }));
        const table = new NameTable(encodeNameTable(entries));
        expect(table.size).toBe(entries.length);
        for (const e of entries) expect(table.get(e.name)).toEqual({ offset: e.offset, length: e.length });
        for (const p of probes) if (!present.includes(p)) expect(table.get(p)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('compares names, not just hashes', () => {
    // Give the stored entry for `a` the hash of `b`: a lookup of `b` reaches it and must still miss.
    const encoded = encodeNameTable([{ name: 'a', offset: 1, length: 2 }]);
    const slots = encoded.readUInt32LE(12);
    for (let i = 0; i < slots; i++) if (encoded.readUInt32LE(32 + i * 8 + 4) !== 0) encoded.writeUInt32LE(hashName('b'), 32 + i * 8);
    const table = new NameTable(encoded);
    expect(table.get('b')).toBeUndefined();
    expect(table.get('a')).toBeUndefined(); // its hash no longer matches either
  });

  it('probes past slots taken by other names', () => {
    // Four names that all hash to the same one of the table's 16 slots.
    const names: string[] = [];
    for (let i = 0; names.length < 4; i++) if ((hashName(`n${i}`) & 15) === 5) names.push(`n${i}`);
    const entries = names.map((name, i) => ({ name, offset: i, length: i }));
    const table = new NameTable(encodeNameTable(entries));
    for (const e of entries) expect(table.get(e.name)).toEqual({ offset: e.offset, length: e.length });
    expect(table.get('n-absent')).toBeUndefined();
  });

  it('reads a table whose bytes are not 8-byte aligned in memory', () => {
    const encoded = encodeNameTable([{ name: 'left-pad', offset: 10, length: 20 }]);
    const shifted = Buffer.alloc(encoded.length + 3);
    encoded.copy(shifted, 3);
    expect(new NameTable(shifted.subarray(3)).get('left-pad')).toEqual({ offset: 10, length: 20 });
  });

  it('rejects what is not a table, and ends a probe over a tampered table whose slots are all full', () => {
    expect(() => new NameTable(Buffer.from('{"left-pad":[0,1]}'))).toThrow(/not a name table/);
    const encoded = encodeNameTable([{ name: 'a', offset: 0, length: 1 }]);
    expect(() => new NameTable(encoded.subarray(0, 40))).toThrow(/truncated/);
    const full = Buffer.from(encoded);
    const slots = full.readUInt32LE(12);
    for (let i = 0; i < slots; i++) if (full.readUInt32LE(32 + i * 8 + 4) === 0) full.writeUInt32LE(1, 32 + i * 8 + 4);
    expect(new NameTable(full).get('not-there')).toBeUndefined();
  });
});
