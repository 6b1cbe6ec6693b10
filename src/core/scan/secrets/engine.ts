import type { Severity } from '../report/types.js';
import type { SecretRuleSpec } from './rules/types.js';
import { shannonEntropy } from './entropy.js';
import { isDocumentedExample, isPlaceholder } from './placeholder.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { looksRandom, nameHoldsDigest, publicShape, wordLike } from './generic.js';

export { wordLike };

/** A secret found in one piece of text; offsets and positions refer to that text. */
export interface SecretMatch {
  ruleId: string;
  severity: Severity;
  secret: string;
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** How many leading characters are a public, fixed prefix (safe to show when redacted). */
  visiblePrefix: number;
}

export interface DetectScope {
  /**
   * Run only provider rules (skip the generic catch-alls). For test fixtures,
   * examples, type declarations and lockfiles, where generic matches are noise but a
   * real provider token is still a leak.
   */
  providerRulesOnly?: boolean;
}

export interface DetectorOptions {
  /** Apply the placeholder filter (default true). Turned off only to check rule coverage. */
  placeholders?: boolean;
  /** Regexes: a match whose secret or line matches one is dropped. */
  allowPatterns?: RegExp[];
}

interface CompiledRule {
  spec: SecretRuleSpec;
  regex: RegExp;
  /** Lower number wins when two rules claim overlapping text. */
  rank: number;
}

/** Context-free catch-alls lose to any provider rule that claims the same text. */
const LOW_RANK: Record<string, number> = { 'generic-api-key': 3, 'password-assignment': 2, jwt: 1, 'basic-auth-url': 1 };

const INLINE_ALLOW = /(?:circle|gitleaks):allow/;

export function compileRule(spec: SecretRuleSpec): CompiledRule {
  const flags = new Set(['g', 'd', ...(spec.flags ?? '')]);
  return { spec, regex: new RegExp(spec.pattern, [...flags].join('')), rank: LOW_RANK[spec.id] ?? 0 };
}

/** Maps offsets to 1-based line/column; built only for texts that have a finding. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  private build(): number[] {
    const starts = [0];
    let i = this.text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = this.text.indexOf('\n', i + 1);
    }
    return starts;
  }
  position(offset: number): { line: number; column: number } {
    this.starts ??= this.build();
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (s[lo] as number) + 1 };
  }
  lineText(line: number): string {
    this.starts ??= this.build();
    const start = this.starts[line - 1] ?? 0;
    const next = this.starts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1);
  }
}

/** A PEM body of a handful of characters is a doc placeholder, not a key. */
function plausiblePemBody(secret: string): boolean {
  const body = secret
    .replace(/-----(?:BEGIN|END)[^-]*-----/g, '')
    .replace(/\\[rn]/g, '')
    .replace(/^[A-Za-z-]+: .*$/gm, '')
    .replace(/[^A-Za-z0-9+/]/g, '');
  return body.length >= 64 && new Set(body).size >= 16;
}

/**
 * Runs a rule set over text. One case-insensitive pass of a combined keyword regex
 * decides which rules can match at all; only those rules' regexes then run, each
 * over the whole text (not per line), which is what makes a tree scan cheap.
 */
export class SecretDetector {
  private readonly rules: CompiledRule[];
  private readonly automaton: KeywordAutomaton;
  /** For each automaton keyword id, the rules it enables. */
  private readonly rulesOfKeyword: CompiledRule[][];
  private readonly placeholders: boolean;
  private readonly allowPatterns: RegExp[];

  constructor(specs: readonly SecretRuleSpec[], options: DetectorOptions = {}) {
    this.rules = specs.map(compileRule);
    const byKeyword = new Map<string, CompiledRule[]>();
    for (const rule of this.rules) {
      for (const kw of rule.spec.keywords) {
        const key = kw.toLowerCase();
        byKeyword.set(key, [...(byKeyword.get(key) ?? []), rule]);
      }
    }
    this.automaton = new KeywordAutomaton(byKeyword.keys());
    this.rulesOfKeyword = this.automaton.keywords.map((kw) => byKeyword.get(kw) ?? []);
    this.placeholders = options.placeholders ?? true;
    this.allowPatterns = options.allowPatterns ?? [];
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** The rules whose keywords occur in the bytes. */
  candidates(bytes: Uint8Array): CompiledRule[] {
    const found = new Set<CompiledRule>();
    for (const id of this.automaton.scan(bytes)) for (const rule of this.rulesOfKeyword[id] as CompiledRule[]) found.add(rule);
    return [...found];
  }

  /** Scans text (a string already in memory: stdin, a diff chunk). */
  detect(text: string, scope: DetectScope = {}): SecretMatch[] {
    return this.run(text, this.inScope(this.candidates(asciiView(text)), scope));
  }

  /**
   * Scans a file's bytes. Files with no keyword are never decoded; the rest are
   * decoded as latin1 (one byte per char: fastest for V8's regexes) and positions
   * and secrets are mapped back to UTF-8 text for the few matches found.
   */
  detectBytes(bytes: Buffer, scope: DetectScope = {}): SecretMatch[] {
    const rules = this.inScope(this.candidates(bytes), scope);
    if (rules.length === 0) return [];
    const text = bytes.toString('latin1');
    return this.run(text, rules).map((m) => fromLatin1(text, m));
  }

  private inScope(rules: CompiledRule[], scope: DetectScope): CompiledRule[] {
    return scope.providerRulesOnly === true ? rules.filter((r) => r.rank === 0) : rules;
  }

  private run(text: string, rules: CompiledRule[]): SecretMatch[] {
    if (rules.length === 0) return [];
    const lines = new LineIndex(text);
    const raw: Array<SecretMatch & { rank: number }> = [];
    for (const rule of rules) {
      const re = rule.regex;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const span = m.indices?.groups?.secret ?? m.indices?.[0];
        const secret = m.groups?.secret ?? m[0];
        if (span === undefined || secret.length === 0) continue;
        if (!this.accept(rule.spec, secret)) continue;
        if (rule.spec.catchAll === true && !this.acceptAssignment(text, m.index, m[0], secret)) continue;
        const [start, end] = span;
        const from = lines.position(start);
        const to = lines.position(end);
        if (this.allowedInline(lines, from.line)) continue;
        raw.push({
          ruleId: rule.spec.id,
          severity: rule.spec.severity ?? 'high',
          secret,
          start,
          end,
          line: from.line,
          column: from.column,
          endLine: to.line,
          endColumn: to.column,
          visiblePrefix: rule.spec.prefixLength ?? 0,
          rank: rule.rank,
        });
      }
    }
    return dedupe(raw);
  }

  private accept(spec: SecretRuleSpec, secret: string): boolean {
    if (spec.entropy !== undefined && shannonEntropy(secret) < spec.entropy) return false;
    if (spec.requireDigit === true && !/[0-9]/.test(secret)) return false;
    // Catch-all rules see identifiers (`TokenizationTextModelPart_1`) next to `token =`:
    // text made mostly of lowercase word runs is language, not key material.
    if ((LOW_RANK[spec.id] ?? 0) > 1 && wordLike(secret)) return false;
    if (secret.startsWith('-----BEGIN') && !plausiblePemBody(secret)) return false;
    if (this.placeholders && spec.noPlaceholderCheck !== true && (isDocumentedExample(secret) || isPlaceholder(secret.slice(spec.prefixLength ?? 0)))) return false;
    for (const allow of this.allowPatterns) {
      allow.lastIndex = 0;
      if (allow.test(secret)) return false;
    }
    return true;
  }

  /**
   * A catch-all assignment (`NAME = value`) is a credential only if the name is not that of a
   * digest or id, the value has no public shape, and it is as random as a key of its alphabet.
   */
  private acceptAssignment(text: string, index: number, match: string, secret: string): boolean {
    let start = index;
    while (start > 0 && /[A-Za-z0-9_.-]/.test(text[start - 1]!)) start--;
    const name = text.slice(start, index) + (/^[A-Za-z0-9_.-]*/.exec(match)?.[0] ?? '');
    return !nameHoldsDigest(name) && !publicShape(secret) && looksRandom(secret);
  }

  private allowedInline(lines: LineIndex, line: number): boolean {
    const here = lines.lineText(line);
    if (INLINE_ALLOW.test(here)) return true;
    if (line > 1 && /(?:circle|gitleaks):allow-next-line/.test(lines.lineText(line - 1))) return true;
    for (const allow of this.allowPatterns) {
      allow.lastIndex = 0;
      if (allow.test(here)) return true;
    }
    return false;
  }
}

/** Drops a lower-ranked match that overlaps a higher-ranked one, and exact duplicates. */
function dedupe(matches: Array<SecretMatch & { rank: number }>): SecretMatch[] {
  matches.sort((a, b) => a.rank - b.rank || a.start - b.start);
  const kept: Array<SecretMatch & { rank: number }> = [];
  for (const m of matches) {
    const clash = kept.some((k) => m.start < k.end && k.start < m.end && (k.rank < m.rank || (k.start === m.start && k.end === m.end)));
    if (!clash) kept.push(m);
  }
  kept.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId));
  return kept.map(({ rank: _rank, ...rest }) => rest);
}

/** Keywords are ASCII, so a string's chars above 0xff can be folded to any non-keyword byte. */
function asciiView(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Re-expresses a match found in latin1-decoded bytes in terms of the UTF-8 text. */
function fromLatin1(text: string, m: SecretMatch): SecretMatch {
  // eslint-disable-next-line no-control-regex
  if (!/[\x80-\xff]/.test(text)) return m;
  const toUtf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');
  const lineStart = text.lastIndexOf('\n', m.start - 1) + 1;
  const endLineStart = text.lastIndexOf('\n', m.end - 1) + 1;
  return {
    ...m,
    secret: toUtf8(m.secret),
    column: toUtf8(text.slice(lineStart, m.start)).length + 1,
    endColumn: toUtf8(text.slice(endLineStart, m.end)).length + 1,
  };
}
