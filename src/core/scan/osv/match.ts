import { encodeAffected, tokenValue, type MatchSlice } from './match-entry.js';
import { comparatorFor, compareSemverFast, type VersionCompare } from './versions.js';

/**
 * One OSV `affected[].ranges[]` entry, as stored in the index. GIT ranges are
 * dropped at import: their events are commit hashes, which say nothing about a
 * package version from a lockfile (OSV lists the affected versions of such an
 * entry in `versions`, which we do match). An entry with only GIT ranges and no
 * `versions` therefore never matches.
 */
export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM';
  events: OsvEvent[];
}
export type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedSpec {
  ranges: OsvRange[];
  versions: string[];
}

export interface MatchResult {
  affected: boolean;
  /** The lowest `fixed` above the version in the range that affects it; undefined when no fix is recorded. */
  fixed?: string;
}

/**
 * Whether `version` is affected by one advisory's affected entries, under OSV
 * semantics (https://ossf.github.io/osv-schema/#evaluation).
 */
export function matchVersion(ecosystem: string, version: string, spec: AffectedSpec): MatchResult {
  const tokens = encodeAffected([spec]);
  return matchEncoded(ecosystem, version, tokens, 0, tokens.length);
}

/**
 * `matchVersion` on the index's encoding of affected entries, tokens[from, to)
 * (match-entry.ts), so a scan matches on what JSON.parse returned without
 * building objects. An entry affects the version when the version is in its
 * `versions` list or inside one of its ranges; `fixed` is, over the entry's ranges
 * that contain the version, the lowest `fixed` above it. Over several entries the
 * candidate is affected if any is, with the `fixed` of the last affected one that has one.
 * Throws when the tokens are malformed (a damaged index).
 */
export function matchEncoded(ecosystem: string, version: string, tokens: MatchSlice, from: number, to: number): MatchResult {
  if (version === '') return { affected: false };
  const cmpEco = comparatorFor(ecosystem);
  const range: RangeResult = { inRange: false, nextFix: undefined };
  let affected = false;
  let fixed: string | undefined;
  let i = from;
  while (i < to) {
    if (tokens[i] !== 'A') throw new Error(`expected an affected entry, found ${JSON.stringify(tokens[i])}`);
    i++;
    let entryAffected = false;
    let entryFixed: string | undefined;
    while (i < to && tokens[i] !== 'A') {
      const marker = tokens[i];
      if (marker === '=') {
        const v = tokenValue(tokens, i + 1);
        i += 2;
        if (!entryAffected && (v === version || cmpEco(v, version) === 0)) entryAffected = true;
        continue;
      }
      if (marker !== 'S' && marker !== 'E') throw new Error(`unexpected match token ${JSON.stringify(marker)}`);
      const cmp = marker === 'S' ? compareSemverFast : cmpEco;
      i = readRange(version, tokens, i + 1, to, cmp, range);
      if (!range.inRange) continue;
      entryAffected = true;
      const f = range.nextFix;
      if (f !== undefined && (entryFixed === undefined || cmp(f, entryFixed) < 0)) entryFixed = f;
    }
    if (entryAffected) {
      affected = true;
      if (entryFixed !== undefined) fixed = entryFixed;
    }
  }
  // Plain literals, not a spread: this runs once per candidate, mostly before the JIT has warmed up.
  if (!affected) return { affected: false };
  return fixed === undefined ? { affected: true } : { affected: true, fixed };
}

interface RangeResult {
  inRange: boolean;
  /** The lowest `fixed` above the version. */
  nextFix: string | undefined;
}

const ORDER: Record<string, number> = { i: 0, f: 1, a: 2 };

/**
 * Reads one range's events from tokens[i] (up to the next marker that is not an
 * event) into `out`; returns where it stopped. A range is the walk over its events
 * in version order: `introduced` sets "affected", `fixed` clears it at that
 * version, `last_affected` after it, and `limit` bounds the whole range from
 * above. Only events at or below the version (below, for `last_affected`) change
 * anything, so the walk ends in the state set by the last such event in that
 * order — found in one pass, without sorting.
 */
function readRange(version: string, tokens: MatchSlice, i: number, to: number, cmp: VersionCompare, out: RangeResult): number {
  let limited = false;
  let underALimit = false;
  let lastKind = '';
  let lastVersion = '';
  let nextFix: string | undefined;
  for (; i < to; i += 2) {
    const kind = tokens[i];
    if (kind !== 'i' && kind !== 'f' && kind !== 'a' && kind !== 'l') break;
    const v = tokenValue(tokens, i + 1);
    if (kind === 'l') {
      limited = true;
      if (!underALimit && (v === '*' || cmp(version, v) < 0)) underALimit = true;
      continue;
    }
    const c = kind === 'i' && v === '0' ? 1 : cmp(version, v);
    if (kind === 'a' ? c <= 0 : c < 0) {
      // Above the version: changes nothing, but a fix up there is what to upgrade to.
      if (kind === 'f' && (nextFix === undefined || cmp(v, nextFix) < 0)) nextFix = v;
      continue;
    }
    if (lastKind === '' || (compareEventVersions(v, lastVersion, cmp) || ORDER[kind]! - ORDER[lastKind]!) >= 0) {
      lastKind = kind;
      lastVersion = v;
    }
  }
  out.inRange = lastKind === 'i' && (!limited || underALimit);
  out.nextFix = nextFix;
  return i;
}

/** `introduced: "0"` means "since the first version": it sorts before everything. */
function compareEventVersions(a: string, b: string, cmp: VersionCompare): number {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  return cmp(a, b);
}
