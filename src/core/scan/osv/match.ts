import { comparatorFor, compareSemverFast, type VersionCompare } from './versions.js';

/** One OSV `affected[].ranges[]` entry, as stored in the index (GIT ranges are dropped at import). */
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
 * Whether `version` is affected under OSV semantics
 * (https://ossf.github.io/osv-schema/#evaluation): listed in `versions`, or inside
 * some range, where a range is evaluated by walking its events in version order —
 * `introduced` opens, `fixed` closes at that version, `last_affected` closes
 * after it, and `limit` bounds the whole range from above.
 */
export function matchVersion(ecosystem: string, version: string, spec: AffectedSpec): MatchResult {
  if (version === '') return { affected: false };
  const cmpEco = comparatorFor(ecosystem);
  let affected = spec.versions.some((v) => v === version || cmpEco(v, version) === 0);
  let fixed: string | undefined;
  for (const range of spec.ranges) {
    const cmp = range.type === 'SEMVER' ? compareSemverFast : cmpEco;
    if (inRange(version, range.events, cmp)) {
      affected = true;
      const f = nextFixed(version, range.events, cmp);
      if (f !== undefined && (fixed === undefined || cmp(f, fixed) < 0)) fixed = f;
    }
  }
  return affected ? { affected, ...(fixed === undefined ? {} : { fixed }) } : { affected: false };
}

const EVENT_ORDER = { introduced: 0, fixed: 1, last_affected: 2, limit: 3 } as const;

function eventKind(e: OsvEvent): keyof typeof EVENT_ORDER {
  return 'introduced' in e ? 'introduced' : 'fixed' in e ? 'fixed' : 'last_affected' in e ? 'last_affected' : 'limit';
}
function eventVersion(e: OsvEvent): string {
  return (e as Record<string, string>)[eventKind(e)]!;
}

/** `introduced: "0"` means "since the first version": it sorts before everything. */
function compareEventVersions(a: string, b: string, cmp: VersionCompare): number {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  return cmp(a, b);
}

export function inRange(version: string, events: OsvEvent[], cmp: VersionCompare): boolean {
  const limits = events.filter((e) => 'limit' in e).map(eventVersion);
  if (limits.length > 0 && limits.every((l) => l !== '*' && cmp(version, l) >= 0)) return false;
  const sorted = events
    .filter((e) => !('limit' in e))
    .slice()
    .sort((x, y) => compareEventVersions(eventVersion(x), eventVersion(y), cmp) || EVENT_ORDER[eventKind(x)] - EVENT_ORDER[eventKind(y)]);
  let affected = false;
  for (const e of sorted) {
    const ev = eventVersion(e);
    const kind = eventKind(e);
    if (kind === 'introduced') {
      if (ev === '0' || cmp(version, ev) >= 0) affected = true;
    } else if (kind === 'fixed') {
      if (cmp(version, ev) >= 0) affected = false;
    } else if (kind === 'last_affected') {
      if (cmp(version, ev) > 0) affected = false;
    }
  }
  return affected;
}

function nextFixed(version: string, events: OsvEvent[], cmp: VersionCompare): string | undefined {
  let best: string | undefined;
  for (const e of events) {
    if (!('fixed' in e)) continue;
    if (cmp(e.fixed, version) > 0 && (best === undefined || cmp(e.fixed, best) < 0)) best = e.fixed;
  }
  return best;
}
