import type { AffectedSpec, OsvEvent, OsvRange } from './match.js';
import type { AdvisoryCandidate, AdvisoryRef } from './names.js';

/**
 * How the index's match file stores one package's candidates: a flat JSON array
 * of numbers and strings rather than nested objects. JSON.parse spends its time
 * creating objects (five to ten times more than on the same facts as strings), a
 * scan parses every candidate of every package in its lockfile, and it matches
 * straight on the parsed array (match.ts), so nothing is rebuilt as objects.
 *
 *   [offset, length, token, …, offset, length, token, …]
 *
 * Each candidate starts with the reference of its details (two numbers); its tokens
 * follow up to the next number:
 *
 *   "A"                  a new `affected[]` entry
 *   "S" | "E"            a new SEMVER / ECOSYSTEM range in that entry
 *   "i" | "f" | "a" | "l", version
 *                        an introduced / fixed / last_affected / limit event of that range
 *   "=", version         a version from the entry's `versions` list
 *
 * A version is always read as the element after its marker, so any string can be one.
 */
export type MatchSlice = (number | string)[];

export const EVENT_TOKENS = { introduced: 'i', fixed: 'f', last_affected: 'a', limit: 'l' } as const;

/** The tokens of one candidate's affected entries (no reference). */
export function encodeAffected(specs: readonly AffectedSpec[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    out.push('A');
    for (const range of spec.ranges) {
      out.push(range.type === 'SEMVER' ? 'S' : 'E');
      for (const event of range.events) {
        const [kind, version] = Object.entries(event)[0] as [keyof typeof EVENT_TOKENS, string];
        out.push(EVENT_TOKENS[kind], version);
      }
    }
    for (const v of spec.versions) out.push('=', v);
  }
  return out;
}

export function encodeCandidates(candidates: readonly AdvisoryCandidate[]): MatchSlice {
  const out: MatchSlice = [];
  for (const { ref, affected } of candidates) out.push(ref[0], ref[1], ...encodeAffected(affected));
  return out;
}

/**
 * Calls `visit` for each candidate with the position of its reference (`at`) and
 * the end of its tokens, which run from at + 2 (see `candidateRef`). Throws when
 * the slice is not an array of candidates (a damaged index).
 */
export function forEachCandidate(slice: unknown, visit: (at: number, end: number) => void): void {
  if (!Array.isArray(slice)) throw new Error('a match entry is not an array');
  for (let at = 0; at < slice.length; ) {
    if (typeof slice[at] !== 'number' || typeof slice[at + 1] !== 'number') throw new Error('a match entry does not start with a reference');
    let end = at + 2;
    while (end < slice.length && typeof slice[end] !== 'number') end++;
    visit(at, end);
    at = end;
  }
}

/** The details reference of the candidate at `at` (checked numbers by forEachCandidate). */
export function candidateRef(slice: MatchSlice, at: number): AdvisoryRef {
  return [slice[at] as number, slice[at + 1] as number];
}

/** The candidates as objects (for library callers; the scan matches on the slice itself). */
export function decodeCandidates(slice: unknown): AdvisoryCandidate[] {
  const out: AdvisoryCandidate[] = [];
  forEachCandidate(slice, (at, to) => {
    const tokens = slice as MatchSlice;
    const ref = candidateRef(tokens, at);
    const from = at + 2;
    const affected: AffectedSpec[] = [];
    let range: OsvRange | undefined;
    for (let i = from; i < to; i++) {
      const token = tokens[i];
      const spec = affected[affected.length - 1];
      if (token === 'A') {
        affected.push({ ranges: [], versions: [] });
        range = undefined;
      } else if ((token === 'S' || token === 'E') && spec) {
        spec.ranges.push((range = { type: token === 'S' ? 'SEMVER' : 'ECOSYSTEM', events: [] }));
      } else if (token === '=' && spec) {
        spec.versions.push(tokenValue(tokens, ++i));
      } else if (range && typeof token === 'string' && EVENT_KIND[token]) {
        range.events.push({ [EVENT_KIND[token]]: tokenValue(tokens, ++i) } as OsvEvent);
      } else {
        throw new Error(`unexpected match token ${JSON.stringify(token)}`);
      }
    }
    out.push({ ref, affected });
  });
  return out;
}

const EVENT_KIND: Record<string, keyof typeof EVENT_TOKENS> = { i: 'introduced', f: 'fixed', a: 'last_affected', l: 'limit' };

/** The version after a marker; throws when it is missing or not a string. */
export function tokenValue(tokens: MatchSlice, at: number): string {
  const v = tokens[at];
  if (typeof v !== 'string') throw new Error('a match token has no version after it');
  return v;
}
