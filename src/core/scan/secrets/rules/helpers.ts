import type { Severity } from '../../report/types.js';
import type { SecretRuleSpec } from './types.js';
import { fake } from './sample.js';

export interface PrefixedTokenSpec {
  id: string;
  title: string;
  severity?: Severity;
  /** The literal prefix as it appears in a token (regex-escaped by the helper). */
  prefix: string;
  /** Regex character class of the body, e.g. `[A-Za-z0-9]`. */
  body: string;
  /** Body length, exact or `[min, max]`. */
  length: number | [number, number];
  /** Alphabet used to generate example bodies; must match `body`. */
  alphabet: string;
  /** Defaults to the lowercased prefix. */
  keywords?: string[];
  entropy?: number;
  /** Regex appended after the body (a checksum suffix, say). */
  suffix?: string;
  /** Literal used in examples for `suffix`. */
  sampleSuffix?: string;
  description?: string;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A rule for a token with a fixed literal prefix and a body from one character
 * class: most modern provider tokens (ghp_, glpat-, npm_, xoxb-, …) have this shape,
 * which is also why they are cheap to find.
 */
export function prefixedToken(spec: PrefixedTokenSpec): SecretRuleSpec {
  const [min, max] = typeof spec.length === 'number' ? [spec.length, spec.length] : spec.length;
  const quant = min === max ? `{${min}}` : `{${min},${max}}`;
  const suffix = spec.suffix ?? '';
  const pattern = `(?<![A-Za-z0-9.])(?<secret>${escapeRegex(spec.prefix)}${spec.body}${quant}${suffix})(?!${spec.body})`;
  const n = Math.min(max, Math.max(min, 40));
  const token = `${spec.prefix}${fake(spec.id, spec.alphabet, n)}${spec.sampleSuffix ?? ''}`;
  const token2 = `${spec.prefix}${fake(`${spec.id}#2`, spec.alphabet, min)}${spec.sampleSuffix ?? ''}`;
  const placeholder = `${spec.prefix}${'x'.repeat(n)}${spec.sampleSuffix ?? ''}`;
  const tooShort = `${spec.prefix}${fake(`${spec.id}#3`, spec.alphabet, Math.max(1, min - 4))}`;
  // Rules keyed on a context word (not the prefix) need that word near the token.
  const keywords = spec.keywords ?? [spec.prefix.toLowerCase()];
  const ctx = token.toLowerCase().includes(keywords[0] as string) ? '' : `# ${keywords[0] as string}\n`;
  return {
    id: spec.id,
    title: spec.title,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    severity: spec.severity ?? 'high',
    keywords,
    pattern,
    prefixLength: spec.prefix.length,
    ...(spec.entropy === undefined ? {} : { entropy: spec.entropy }),
    examples: {
      tp: [`${ctx}API_TOKEN="${token}"`, `${ctx}  token: ${token2}\n`],
      fp: [`${ctx}API_TOKEN="${placeholder}"`, `${ctx}token = "${tooShort}"`, `${ctx}x${token}`],
    },
  };
}
