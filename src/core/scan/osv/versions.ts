import { createRequire } from 'node:module';
// Only the SemVer class: semver's index also loads ranges, comparators and ~40 functions we never call.
import SemVer from 'semver/classes/semver.js';

// PEP 440 is needed only when a Python lockfile is scanned: load it on first use.
const require = createRequire(import.meta.url);
let pep440: typeof import('@renovatebot/pep440') | undefined;
function pep(): typeof import('@renovatebot/pep440') {
  pep440 ??= require('@renovatebot/pep440') as typeof import('@renovatebot/pep440');
  return pep440;
}

/**
 * Version order per ecosystem, as OSV's ECOSYSTEM ranges require
 * (https://ossf.github.io/osv-schema/#affectedrangestype-field): semver for npm,
 * crates.io and Go, PEP 440 for PyPI, Gem::Version for RubyGems, Composer's
 * (PHP version_compare) for Packagist, and a tolerant segment order elsewhere.
 */
export type VersionCompare = (a: string, b: string) => number;

const SEMVER_OPTIONS = { loose: true, includePrerelease: true } as const;

/** Semver 2.0 order; a leading `v` and Go's `+incompatible` are tolerated; non-semver falls back to segment order. */
export function compareSemver(a: string, b: string): number {
  const va = parseSemverCached(a);
  const vb = parseSemverCached(b);
  if (va && vb) return va.compare(vb);
  return compareGeneric(a, b);
}

/**
 * Parsed versions by their text. A scan compares the same few versions (each
 * package's, each range's bounds) over and over, and parsing costs far more than
 * comparing; keyed by the string itself, a hit is one Map lookup. Bounded so a
 * huge scan cannot grow it without limit.
 */
const parsedSemver = new Map<string, SemVer | null>();
const PARSED_LIMIT = 100_000;

function parseSemverCached(v: string): SemVer | null {
  let parsed = parsedSemver.get(v);
  if (parsed === undefined) {
    try {
      parsed = new SemVer(cleanSemver(v), SEMVER_OPTIONS);
    } catch {
      parsed = null; // not semver: the caller falls back to segment order
    }
    if (parsedSemver.size >= PARSED_LIMIT) parsedSemver.clear();
    parsedSemver.set(v, parsed);
  }
  return parsed;
}

function cleanSemver(v: string): string {
  let s = v.trim();
  if (s.startsWith('v')) s = s.slice(1);
  return s.replace(/\+incompatible$/, '');
}

/** PEP 440 order (epochs, pre/post/dev releases, local versions); invalid versions fall back to segment order. */
export function comparePep440(a: string, b: string): number {
  const p = pep();
  if (p.valid(a) && p.valid(b)) return Math.sign(p.compare(a, b));
  return compareGeneric(a, b);
}

/**
 * RubyGems' Gem::Version: segments split at dots and at letter/digit boundaries;
 * a letter segment marks a pre-release (sorts before numbers); missing segments are 0.
 */
export function compareRubyGems(a: string, b: string): number {
  const sa = gemSegments(a);
  const sb = gemSegments(b);
  const n = Math.max(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const x = sa[i] ?? 0;
    const y = sb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : 1;
    return typeof x === 'string' ? -1 : 1;
  }
  return 0;
}

function gemSegments(v: string): (number | string)[] {
  const parts = v.trim().replace(/-/g, '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  const segs = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  // Gem::Version#canonical_segments: trailing zeros carry no meaning (1.0 == 1).
  while (segs.length > 0 && segs[segs.length - 1] === 0) segs.pop();
  return segs;
}

const PHP_SPECIAL: Record<string, number> = { dev: 0, alpha: 1, a: 1, beta: 2, b: 2, rc: 3, c: 3, '#': 4, pl: 5, p: 5 };

/**
 * Composer's order: PHP version_compare over the normalised version (leading `v`
 * dropped, release padded to four parts): dev < alpha < beta < RC < release < patch.
 */
export function compareComposer(a: string, b: string): number {
  const pa = phpParts(a);
  const pb = phpParts(b);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) {
      // A longer version is newer if its extra part is a number or `pl`, older if it is a pre-release tag.
      const extra = (x ?? y)!;
      const weight = /^\d+$/.test(extra) ? PHP_SPECIAL['#']! : (PHP_SPECIAL[extra] ?? -1);
      const sign = weight >= PHP_SPECIAL['#']! ? 1 : -1;
      return x === undefined ? -sign : sign;
    }
    const c = comparePhpPart(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

function phpParts(v: string): string[] {
  let s = v.trim().toLowerCase().replace(/^v(?=\d)/, '');
  s = s.replace(/[-_+]/g, '.').replace(/(\d)([a-z])/g, '$1.$2').replace(/([a-z])(\d)/g, '$1.$2');
  const parts = s.split('.').filter((p) => p !== '');
  let release = 0;
  while (release < parts.length && /^\d+$/.test(parts[release]!)) release++;
  const padded = parts.slice(0, release);
  while (padded.length < 4) padded.push('0');
  return [...padded, ...parts.slice(release)];
}

function comparePhpPart(x: string, y: string): number {
  const nx = /^\d+$/.test(x);
  const ny = /^\d+$/.test(y);
  if (nx && ny) return Math.sign(Number(x) - Number(y));
  const wx = nx ? PHP_SPECIAL['#']! : (PHP_SPECIAL[x] ?? -1);
  const wy = ny ? PHP_SPECIAL['#']! : (PHP_SPECIAL[y] ?? -1);
  return Math.sign(wx - wy);
}

/** Dotted segments, numbers numerically and before letters: a fair order for ecosystems without their own. */
export function compareGeneric(a: string, b: string): number {
  const sa = a.match(/[0-9]+|[a-z]+/gi) ?? [];
  const sb = b.match(/[0-9]+|[a-z]+/gi) ?? [];
  const n = Math.max(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const x = sa[i];
    const y = sb[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return Math.sign(d);
      continue;
    }
    if (nx !== ny) return nx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Remembers comparisons: a scan compares the same few versions (the installed one,
 * each range's bounds) over and over, and parsing a version costs more than looking
 * the answer up. Bounded so a huge scan cannot grow it without limit.
 */
export function memoizeCompare(compare: VersionCompare, limit = 200_000): VersionCompare {
  const memo = new Map<string, number>();
  return (a, b) => {
    const key = `${a}\u0000${b}`;
    let r = memo.get(key);
    if (r === undefined) {
      r = compare(a, b);
      if (memo.size >= limit) memo.clear();
      memo.set(key, r);
    }
    return r;
  };
}

const MEMOIZED = {
  // Memoizes its parses instead of its answers (see parseSemverCached): no key to build per call.
  semver: compareSemver,
  pep440: memoizeCompare(comparePep440),
  rubygems: memoizeCompare(compareRubyGems),
  composer: memoizeCompare(compareComposer),
  generic: memoizeCompare(compareGeneric),
};

/** The semver comparator OSV's SEMVER ranges use, memoized. */
export const compareSemverFast = MEMOIZED.semver;

/** The comparator for an OSV ecosystem name (`Debian:11` style suffixes ignored). */
export function comparatorFor(ecosystem: string): VersionCompare {
  // Called once per match: the bare names the scanner uses skip the split.
  switch (ecosystem.includes(':') ? ecosystem.slice(0, ecosystem.indexOf(':')) : ecosystem) {
    case 'npm':
    case 'crates.io':
    case 'Go':
      return MEMOIZED.semver;
    case 'PyPI':
      return MEMOIZED.pep440;
    case 'RubyGems':
      return MEMOIZED.rubygems;
    case 'Packagist':
      return MEMOIZED.composer;
    default:
      return MEMOIZED.generic;
  }
}
