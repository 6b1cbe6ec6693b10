import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretDetector, wordLike } from '../../../../src/core/scan/secrets/engine.js';
import { BUILTIN_RULES } from '../../../../src/core/scan/secrets/rules/index.js';
import { KeywordAutomaton } from '../../../../src/core/scan/secrets/keyword-automaton.js';
import { isPlaceholder } from '../../../../src/core/scan/secrets/placeholder.js';
import { shannonEntropy } from '../../../../src/core/scan/secrets/entropy.js';
import { createHash } from 'node:crypto';
import { redactSecret, fingerprintOf, legacyFingerprintOf } from '../../../../src/core/scan/secrets/redact.js';
import { isFixturePath } from '../../../../src/core/scan/secrets/scanner.js';
import { fake, ALNUM } from '../../../../src/core/scan/secrets/rules/sample.js';

const token = ['gh', 'p_', fake('engine-test', ALNUM, 36)].join('');
const detector = new SecretDetector(BUILTIN_RULES);

describe('SecretDetector', () => {
  it('reports 1-based line and column of the secret', () => {
    const [m] = detector.detect(`a\nbb\n  x = "${token}"\n`);
    expect(m).toMatchObject({ ruleId: 'github-pat', line: 3, column: 8, endLine: 3, endColumn: 8 + token.length, secret: token });
  });

  it('honours circle:allow on the line and circle:allow-next-line above it', () => {
    expect(detector.detect(`x = "${token}" # circle:allow`)).toEqual([]);
    expect(detector.detect(`# circle:allow-next-line\nx = "${token}"`)).toEqual([]);
    expect(detector.detect(`# circle:allow-next-line\n\nx = "${token}"`)).toHaveLength(1);
  });

  it('drops matches that hit an allow pattern', () => {
    const d = new SecretDetector(BUILTIN_RULES, { allowPatterns: [/^ghp_/] });
    expect(d.detect(`t=${token}`)).toEqual([]);
  });

  it('lets a provider rule win over the generic rule on the same text', () => {
    const found = detector.detect(`api_token = "${token}"`);
    expect(found.map((f) => f.ruleId)).toEqual(['github-pat']);
  });

  it('maps columns back to UTF-8 text for files decoded from bytes', () => {
    const text = `é = "ü" ; t = "${token}"\n`;
    const [m] = detector.detectBytes(Buffer.from(text, 'utf8'));
    expect(m?.column).toBe(text.indexOf(token) + 1);
    expect(m?.secret).toBe(token);
  });

  it('only runs provider rules in the fixture scope', () => {
    const generic = `api_key = "${fake('g', ALNUM, 32)}"`;
    expect(detector.detect(generic).map((f) => f.ruleId)).toEqual(['generic-api-key']);
    expect(detector.detect(generic, { providerRulesOnly: true })).toEqual([]);
    expect(detector.detect(`t=${token}`, { providerRulesOnly: true })).toHaveLength(1);
  });

  it('ignores placeholders but not real-looking values (property: random base62 tokens are found)', () => {
    expect(detector.detect('GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{36}$/), (body) => {
        fc.pre(!isPlaceholder(body));
        return detector.detect(`token: ghp_${body}\n`).some((f) => f.ruleId === 'github-pat');
      }),
      { numRuns: 200 },
    );
  });
});

describe('KeywordAutomaton', () => {
  it('finds exactly the keywords a naive case-insensitive search finds (property)', () => {
    const words = ['key', 'secret', 'ghp_', 'sk_live_', 'aiza', '://', 'xoxb-', 'eyj'];
    const ac = new KeywordAutomaton(words);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words, 'KEY', 'GhP_', 'sEcReT', 'eyJ'), fc.string({ maxLength: 6 })), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const expected = words.filter((w) => text.toLowerCase().includes(w)).sort();
        const got = ac.scanString(text).map((i) => ac.keywords[i] as string).sort();
        return JSON.stringify(got) === JSON.stringify(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('filters', () => {
  it('entropy: random is high, repetition is low', () => {
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy(fake('e', ALNUM, 40))).toBeGreaterThan(4);
  });

  it('placeholders', () => {
    for (const p of ['AKIAIOSFODNN7EXAMPLE', 'xxxxxxxxxxxx', '<your-key>', '${API_KEY}', 'changeme', '{{ token }}', 'abcdefghijklmnop', '1234567890ab', 'aaaaaaaaaaaa']) {
      expect(isPlaceholder(p), p).toBe(true);
    }
    expect(isPlaceholder(fake('p', ALNUM, 32))).toBe(false);
  });

  it('word-like identifiers are not keys', () => {
    expect(wordLike('TokenizationTextModelPart_1')).toBe(true);
    expect(wordLike('NonEmptySensitiveString1600')).toBe(true);
    expect(wordLike(fake('w', ALNUM, 32))).toBe(false);
  });

  it('fixture paths', () => {
    for (const p of ['test/a.js', 'src/__tests__/x.ts', 'types/index.d.ts', 'api/foo.examples.json', 'package-lock.json', 'a/fixtures/b.txt', 'x.spec.ts']) {
      expect(isFixturePath(p), p).toBe(true);
    }
    for (const p of ['src/config.ts', '.env', 'deploy/prod.yaml', 'latest/index.js']) expect(isFixturePath(p), p).toBe(false);
  });
});

describe('redaction and fingerprints', () => {
  it('never shows more than four characters of a secret (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_+/=-]{1,200}$/), (secret) => {
        const shown = redactSecret(secret, 4);
        const visible = shown.replace(/\*+ \(\d+ chars\)$/, '');
        return visible.length <= 4 && (secret.length < 8 || !shown.includes(secret.slice(4)));
      }),
    );
    expect(redactSecret('-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toBe('-----BEGIN RSA PRIVATE KEY----- …(redacted)');
    expect(redactSecret('hunter2hunter2', 0)).toBe('******** (14 chars)');
    expect(redactSecret(`ghp_${'a1'.repeat(18)}`, 4)).toBe('ghp_******** (40 chars)');
  });

  it('fingerprints are stable, follow the rule and the secret, and do not contain it', () => {
    const a = fingerprintOf({ ruleId: 'r', secret: 'hunter2-but-longer-1' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprintOf({ ruleId: 'r', secret: 'hunter2-but-longer-1' })).toBe(a);
    expect(fingerprintOf({ ruleId: 'r', secret: 'hunter2-but-longer-2' })).not.toBe(a);
    expect(fingerprintOf({ ruleId: 'q', secret: 'hunter2-but-longer-1' })).not.toBe(a);
    // Not a fast hash of the secret: a baseline must not make weak passwords cheap to guess.
    expect(a).not.toBe(createHash('sha256').update('hunter2-but-longer-1').digest('hex').slice(0, 32));
    const legacy = legacyFingerprintOf({ ruleId: 'r', path: 'p', line: 3 });
    expect(legacyFingerprintOf({ ruleId: 'r', path: 'p', line: 4 })).not.toBe(legacy);
  });
});
