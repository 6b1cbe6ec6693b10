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

describe('a whole exported file round-trips (issue 14 item 2)', () => {
  const unit = fc.constantFrom('a', 'Z', ' ', '"', "'", '`', '\\', 'n', 'r', '\n', '\r', '\t', '#', '=', '$', '{', '}', 'é', '🔑', '\u0000');
  const names = fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), { minLength: 1, maxLength: 5 });
  // dotenv has no escape for quotes, and folds a raw CR into a newline unless it is written as
  // \r in double quotes: a value holding ' and `, or a CR beside " or a backslash, has no line
  // that reads back as itself.
  const representable = (value: string) => {
    try {
      return dotenvLine('K', value) !== '';
    } catch {
      expect((value.includes("'") && value.includes('`')) || (value.includes('\r') && (value.includes('"') || value.includes('\\')))).toBe(true);
      return false;
    }
  };

  it('keeps the line after a value that ends in a backslash', () => {
    const values = { BACKUP_DIR: 'C:\\backups\\', BRAND_COLOR: '#ff0000', CACHE: "it's" };
    const text = formatDotenv(values);
    expect(dotenv.parse(text)).toEqual(values);
    expect(parseDotenv(text)).toEqual(values);
  });

  it('dotenv.parse and circle import of the export give back every value', () => {
    fc.assert(
      fc.property(
        names.chain((keys) => fc.tuple(fc.constant(keys), fc.array(fc.string({ unit, maxLength: 12 }), { minLength: keys.length, maxLength: keys.length }))),
        ([keys, strings]) => {
          const values = Object.fromEntries(keys.map((key, i) => [key, strings[i]!]));
          let text: string;
          try {
            text = formatDotenv(values);
          } catch {
            // Refused only when one value cannot be written at all, or when several can only be
            // written in a form whose closing quote is open to doubt (the file check caught the clash).
            const lonely = Object.values(values).filter((v) => !representable(v)).length;
            const doubtful = Object.values(values).filter((v) => v.endsWith('\\') || /^["'`]/.test(v)).length;
            expect(lonely > 0 || doubtful > 1).toBe(true);
            return;
          }
          expect(dotenv.parse(text)).toEqual(values);
          expect(parseDotenv(text)).toEqual(values);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('arbitrary unicode values without every quote kind always export', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }).filter(representable), fc.string({ unit: 'binary', maxLength: 20 }).filter(representable), (a, b) => {
        const values = { A: a, B: b };
        expect(dotenv.parse(formatDotenv(values))).toEqual(values);
      }),
      { numRuns: 1000 },
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
