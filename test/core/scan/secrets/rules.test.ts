import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../../../src/core/scan/secrets/rules/index.js';
import { SecretDetector } from '../../../../src/core/scan/secrets/engine.js';

describe('built-in rule set', () => {
  it('has at least 100 rules with unique kebab-case ids, keywords and examples', () => {
    expect(BUILTIN_RULES.length).toBeGreaterThanOrEqual(100);
    const ids = BUILTIN_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of BUILTIN_RULES) {
      expect(r.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(r.keywords.length).toBeGreaterThan(0);
      for (const k of r.keywords) expect(k).toBe(k.toLowerCase());
      expect(r.examples.tp.length).toBeGreaterThan(0);
      expect(r.examples.fp.length).toBeGreaterThan(0);
    }
  });

  it('keeps a generic high-entropy assignment rule', () => {
    expect(BUILTIN_RULES.some((r) => r.id === 'generic-api-key')).toBe(true);
  });
});

describe.each(BUILTIN_RULES.map((r) => [r.id, r] as const))('rule %s', (_id, rule) => {
  const alone = new SecretDetector([rule]);
  it.each(rule.examples.tp.map((t, i) => [i, t] as const))('finds true positive #%i', (_i, text) => {
    const found = alone.detect(text);
    expect(found.map((f) => f.ruleId)).toContain(rule.id);
  });
  it.each(rule.examples.fp.map((t, i) => [i, t] as const))('ignores false positive #%i', (_i, text) => {
    expect(alone.detect(text)).toEqual([]);
  });
});
