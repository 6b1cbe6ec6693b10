import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotenvLine, formatDotenv, formatJson, formatShellExports, parseDotenv, shellQuote } from '../../../src/core/secrets/dotenv.js';
import { generateSecretValue } from '../../../src/core/secrets/generate.js';
import { execFileSync } from 'node:child_process';

const fixtures = resolve(import.meta.dirname, '../../fixtures/secrets');
const read = (f: string) => readFileSync(join(fixtures, f), 'utf8');

describe('dotenv import', () => {
  for (const f of ['dotenv-cases.env', 'dotenv-multiline.env', 'dotenv-extra.env']) {
    it(`reads ${f} exactly as dotenv.parse does`, () => {
      const text = read(f);
      expect(parseDotenv(text)).toEqual(dotenv.parse(text));
    });
  }
  it('spot checks of dotenv semantics', () => {
    const p = parseDotenv(read('dotenv-cases.env'));
    expect(p.EXPAND_NEWLINES).toBe('expand\nnew\nlines');
    expect(p.DONT_EXPAND_SQUOTED).toBe('dontexpand\\nnewlines');
    expect(p.INLINE_COMMENTS).toBe('inline comments');
    expect(p.SPACED_KEY).toBe('parsed');
    expect(parseDotenv(read('dotenv-extra.env')).EXPORT_PREFIX).toBe('exported');
  });
  it('refuses names that cannot be secret names', () => {
    expect(() => parseDotenv('my.key=1\n')).toThrow(/cannot be secret names: my\.key/);
    expect(() => parseDotenv('OK=1\nconstructor=2\n')).toThrow(/cannot be secret names: constructor$/);
  });
});

describe('dotenv export round-trips through dotenv.parse', () => {
  it('for every fixture value', () => {
    const all = { ...dotenv.parse(read('dotenv-cases.env')), ...dotenv.parse(read('dotenv-multiline.env')), ...dotenv.parse(read('dotenv-extra.env')) };
    expect(dotenv.parse(formatDotenv(all))).toEqual(all);
  });
  it('for arbitrary values that dotenv can represent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '"', "'", '`', '\\', 'n', '\n', '#', '=', '$', 'é') }), (value) => {
        let line: string;
        try {
          line = dotenvLine('K', value);
        } catch {
          // dotenv has no escape for quotes: only a value with both ' and ` (and then " or a literal \n) is unrepresentable.
          expect(value.includes("'") && value.includes('`')).toBe(true);
          return;
        }
        expect(dotenv.parse(line).K).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe('shell and JSON export', () => {
  it('single-quotes safely for sh', () => {
    const values = { A: "it's $HOME `x` \\ \"q\"\nline2", B: '' };
    const script = `${formatShellExports(values)}printf '%s|%s' "$A" "$B"`;
    expect(execFileSync('sh', ['-c', script]).toString()).toBe(`${values.A}|`);
    expect(shellQuote("'")).toBe(`''\\'''`);
  });
  it('JSON is sorted and parses back', () => {
    expect(JSON.parse(formatJson({ B: '2', A: '1' }))).toEqual({ A: '1', B: '2' });
    expect(formatJson({ B: '2', A: '1' }).indexOf('"A"')).toBeLessThan(formatJson({ B: '2', A: '1' }).indexOf('"B"'));
  });
});

describe('generated values', () => {
  it('have the requested length and alphabet', () => {
    expect(generateSecretValue(64, 'hex')).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSecretValue(40)).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(generateSecretValue(100, 'printable')).not.toMatch(/["'`\\ ]/);
    expect(new Set(Array.from({ length: 20 }, () => generateSecretValue(32))).size).toBe(20);
  });
});
