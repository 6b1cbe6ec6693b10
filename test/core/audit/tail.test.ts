import { appendFileSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { completeLengthSync, readLastLineSync, readTailSync, scanLines } from '../../../src/core/audit/segments.js';
import { appendAuditEvent } from '../../../src/core/audit/log.js';
import { generateAuditKeys } from '../../../src/core/audit/keys.js';
import { verifyAuditLog } from '../../../src/core/audit/verify.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'circle-tail-'));
  dirs.push(d);
  return d;
}

/** The reference: complete length and last complete line, computed on the whole text. */
function expected(text: string): { complete: number; last?: { line: string; offset: number } } {
  const complete = text.lastIndexOf('\n') + 1;
  if (complete === 0) return { complete: 0 };
  const body = text.slice(0, complete - 1);
  const start = body.lastIndexOf('\n') + 1;
  return { complete, last: { line: body.slice(start), offset: start } };
}

function tailOf(text: string) {
  const file = join(tmp(), 'f');
  writeFileSync(file, text, 'latin1');
  const fd = openSync(file, 'r');
  try {
    const r = readTailSync(fd, Buffer.byteLength(text, 'latin1'));
    return { complete: r.complete, ...(r.last ? { last: { line: r.last.line.toString('latin1'), offset: r.last.offset } } : {}) };
  } finally {
    closeSync(fd);
  }
}

describe('readTailSync', () => {
  const long = (n: number, c = 'a') => c.repeat(n);
  const cases: Record<string, string> = {
    empty: '',
    'only torn bytes': 'abc',
    'one line': 'abc\n',
    'an empty line': '\n',
    'two lines': 'abc\ndef\n',
    'torn after lines': 'abc\ndef\ngh',
    'last line longer than 4 KiB': `x\n${long(10_000)}\n`,
    'only line longer than 4 KiB': `${long(5000)}\n`,
    'torn tail longer than 4 KiB': `abc\ndef\n${long(9000)}`,
    'torn tail longer than 4 KiB after a long line': `${long(6000, 'b')}\n${long(20_000)}`,
    'line ending exactly at the 4 KiB boundary': `${long(4095)}\n${long(4095, 'c')}\n`,
    'newline exactly 4 KiB before the end': `q\n${long(4095)}\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => expect(tailOf(text)).toEqual(expected(text)));
  }
});

describe('appending after a torn tail longer than the first read', () => {
  it('cuts off a long torn line and keeps the chain', async () => {
    const dir = tmp();
    const keys = generateAuditKeys();
    await appendAuditEvent(dir, { action: 'secrets.read', outcome: 'success', actor: { type: 'user', id: 'u' }, target: 'x', details: { big: 'y'.repeat(6000) } }, { keys });
    const seg = join(dir, 'audit', 'segments', readdirSync(join(dir, 'audit', 'segments'))[0]!);
    appendFileSync(seg, `{"seq":1,"prev":"${'0'.repeat(9000)}`);
    await appendAuditEvent(dir, { action: 'secrets.read', outcome: 'success', actor: { type: 'user', id: 'u' } }, { keys });
    expect(await verifyAuditLog(dir, { keys, deep: true })).toMatchObject({ ok: true, size: 2, tornTailBytes: 0 });
  });
});

describe('scanLines', () => {
  /** The reference: every complete line from `start` with its offset, and the torn bytes after them. */
  function expectedScan(text: string, start: number) {
    const lines: { line: string; offset: number }[] = [];
    let at = start;
    for (let nl = text.indexOf('\n', at); nl >= 0; nl = text.indexOf('\n', at)) {
      lines.push({ line: text.slice(at, nl), offset: at });
      at = nl + 1;
    }
    return { lines, end: at, tornBytes: text.length - at };
  }

  const long = (n: number, c = 'a') => c.repeat(n);
  const cases: Record<string, { text: string; start?: number }> = {
    'short lines': { text: 'a\nbb\nccc\n' },
    'from an offset near the end': { text: `${long(300_000)}\nx\nyy\n`, start: 300_001 },
    // Longer than the first buffer, which is sized to what is left to read (at least 64 KiB).
    'a line longer than the first buffer': { text: `q\n${long(200_000)}\nz\n` },
    'a torn tail longer than the first buffer': { text: `q\n${long(150_000)}` },
    'many lines across buffer refills': { text: Array.from({ length: 5000 }, (_, i) => `line ${i} ${long(i % 97)}`).join('\n') + '\n' },
  };
  for (const [name, { text, start = 0 }] of Object.entries(cases)) {
    it(name, async () => {
      const file = join(tmp(), 'f');
      writeFileSync(file, text, 'latin1');
      const seen: { line: string; offset: number }[] = [];
      const result = await scanLines(file, ({ line, offset }) => void seen.push({ line: line.toString('latin1'), offset }), start);
      const want = expectedScan(text, start);
      expect(seen).toEqual(want.lines);
      expect(result).toEqual({ end: want.end, tornBytes: want.tornBytes, stopped: false });
    });
  }
});

describe('completeLengthSync and readLastLineSync', () => {
  const cases = ['', 'abc', 'abc\n', 'abc\ndef\n', 'abc\ndef\ngh', `x\n${'y'.repeat(10_000)}\n`, `${'y'.repeat(9000)}`];
  for (const text of cases) {
    it(JSON.stringify(text.length > 20 ? `${text.slice(0, 8)}…(${text.length})` : text), () => {
      const file = join(tmp(), 'f');
      writeFileSync(file, text, 'latin1');
      const fd = openSync(file, 'r');
      try {
        const want = expected(text);
        expect(completeLengthSync(fd, text.length)).toBe(want.complete);
        const last = readLastLineSync(fd, want.complete);
        expect(last && { line: last.line.toString('latin1'), offset: last.offset }).toEqual(want.last);
      } finally {
        closeSync(fd);
      }
    });
  }
});
