import type { Severity } from '../../report/types.js';

/**
 * One detection rule, as data. The engine only runs `pattern` over a file when one
 * of `keywords` occurs in it (case-insensitively), which is what keeps a scan of a
 * whole tree cheap: most files contain none of the keywords.
 */
export interface SecretRuleSpec {
  /** Stable kebab-case id: used in reports, baselines, `disable:` and `circle:allow RULE`. */
  id: string;
  title: string;
  description?: string;
  severity?: Severity;
  /** Lowercase literals; at least one must occur in the text (and in the match) for the rule to run. */
  keywords: string[];
  /** Regex source (no delimiters). A named group `secret` marks the secret; otherwise the whole match is. */
  pattern: string;
  /** Extra flags besides the `g`/`d` the engine adds (`i`, `m`, `s`). */
  flags?: string;
  /** Minimum Shannon entropy (bits per char) of the secret. */
  entropy?: number;
  /** Reject a match whose secret has no digit (identifiers and words rarely do; keys nearly always). */
  requireDigit?: boolean;
  /** Characters at the start of the secret that are a fixed prefix: excluded from placeholder checks. */
  prefixLength?: number;
  /** Skip the placeholder filter (for rules whose pattern is already exact, like PEM headers). */
  noPlaceholderCheck?: boolean;
  /**
   * A catch-all `NAME = value` rule: the engine rejects names of digests and ids (`token_hash`),
   * values of a public shape (UUIDs, integrity strings) and values less random than a key of
   * their alphabet (see generic.ts), in place of a fixed entropy floor.
   */
  catchAll?: boolean;
  /** Examples that must be found by this rule alone, and near-misses that must not. */
  examples: { tp: string[]; fp: string[] };
}
