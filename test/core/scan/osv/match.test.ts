import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchVersion, type AffectedSpec, type OsvEvent } from '../../../../src/core/scan/osv/match.js';
import { compareSemver } from '../../../../src/core/scan/osv/versions.js';

const eco = (events: OsvEvent[], versions: string[] = []): AffectedSpec => ({ ranges: [{ type: 'ECOSYSTEM', events }], versions });
const sem = (events: OsvEvent[]): AffectedSpec => ({ ranges: [{ type: 'SEMVER', events }], versions: [] });

type Case = [ecosystem: string, spec: AffectedSpec, version: string, affected: boolean, fixed?: string];

const CASES: Record<string, Case[]> = {
  'introduced/fixed': [
    ['npm', sem([{ introduced: '0' }, { fixed: '1.2.3' }]), '0.0.1', true, '1.2.3'],
    ['npm', sem([{ introduced: '0' }, { fixed: '1.2.3' }]), '1.2.2', true, '1.2.3'],
    ['npm', sem([{ introduced: '0' }, { fixed: '1.2.3' }]), '1.2.3', false],
    ['npm', sem([{ introduced: '1.0.0' }, { fixed: '1.2.3' }]), '0.9.9', false],
    ['npm', sem([{ introduced: '1.0.0' }, { fixed: '1.2.3' }]), '1.0.0', true, '1.2.3'],
  ],
  last_affected: [
    ['crates.io', sem([{ introduced: '0' }, { last_affected: '0.5.0' }]), '0.5.0', true],
    ['crates.io', sem([{ introduced: '0' }, { last_affected: '0.5.0' }]), '0.5.1', false],
  ],
  limit: [
    ['Go', sem([{ introduced: '0' }, { limit: '2.0.0' }]), '1.9.0', true],
    ['Go', sem([{ introduced: '0' }, { limit: '2.0.0' }]), '2.0.0', false],
  ],
  'multiple ranges and re-introduction': [
    ['npm', sem([{ introduced: '1.0.0' }, { fixed: '1.0.5' }, { introduced: '2.0.0' }, { fixed: '2.1.0' }]), '1.0.4', true, '1.0.5'],
    ['npm', sem([{ introduced: '1.0.0' }, { fixed: '1.0.5' }, { introduced: '2.0.0' }, { fixed: '2.1.0' }]), '1.5.0', false],
    ['npm', sem([{ introduced: '1.0.0' }, { fixed: '1.0.5' }, { introduced: '2.0.0' }, { fixed: '2.1.0' }]), '2.0.9', true, '2.1.0'],
    // Events need not be listed in order.
    ['npm', sem([{ fixed: '2.1.0' }, { introduced: '2.0.0' }, { fixed: '1.0.5' }, { introduced: '1.0.0' }]), '2.0.9', true, '2.1.0'],
  ],
  'versions lists': [
    ['PyPI', eco([], ['1.0', '1.1']), '1.1', true],
    ['PyPI', eco([], ['1.0', '1.1']), '1.2', false],
    ['PyPI', eco([], ['1.0']), '1.0.0', true], // PEP 440: 1.0 == 1.0.0
  ],
  'pre-releases': [
    ['npm', sem([{ introduced: '0' }, { fixed: '2.0.0' }]), '2.0.0-beta.1', true, '2.0.0'],
    ['npm', sem([{ introduced: '2.0.0-rc.1' }, { fixed: '2.0.1' }]), '2.0.0-beta.1', false],
    ['PyPI', eco([{ introduced: '0' }, { fixed: '2.0' }]), '2.0rc1', true, '2.0'],
    ['RubyGems', eco([{ introduced: '0' }, { fixed: '7.0.2.3' }]), '7.0.2.2', true, '7.0.2.3'],
    ['RubyGems', eco([{ introduced: '0' }, { fixed: '1.0' }]), '1.0.rc1', true, '1.0'],
    ['Packagist', eco([{ introduced: '0' }, { fixed: '1.0.0' }]), '1.0.0-beta2', true, '1.0.0'],
    ['Packagist', eco([{ introduced: '0' }, { fixed: '1.0.0' }]), 'v1.0.0', false],
  ],
  'PyPI ECOSYSTEM order differs from string order': [
    ['PyPI', eco([{ introduced: '0' }, { fixed: '2.10' }]), '2.9', true, '2.10'],
    ['PyPI', eco([{ introduced: '0' }, { fixed: '2.10' }]), '2.10.post1', false],
  ],
  'empty version never matches': [['npm', sem([{ introduced: '0' }]), '', false]],
};

describe('OSV range semantics', () => {
  for (const [group, cases] of Object.entries(CASES)) {
    describe(group, () => {
      it.each(cases)('%s %#: version %s', (ecosystem, spec, version, affected, fixed) => {
        const m = matchVersion(ecosystem, version, spec);
        expect(m.affected).toBe(affected);
        if (affected) expect(m.fixed).toBe(fixed);
      });
    });
  }
});

describe('property: reported iff inside an interval', () => {
  const semverArb = fc.tuple(fc.nat({ max: 6 }), fc.nat({ max: 6 }), fc.nat({ max: 6 })).map(([a, b, c]) => `${a}.${b}.${c}`);
  // Disjoint [introduced, fixed) intervals built from sorted distinct boundaries, optionally ending in last_affected.
  const rangeArb = fc
    .uniqueArray(semverArb, { minLength: 1, maxLength: 8, comparator: (a, b) => compareSemver(a, b) === 0 })
    .map((vs) => vs.sort(compareSemver))
    .chain((bounds) => fc.tuple(fc.constant(bounds), fc.boolean(), fc.boolean()));

  it('matches exactly the versions inside some interval', () => {
    fc.assert(
      fc.property(rangeArb, semverArb, fc.boolean(), ([bounds, openEnded, lastAffected], version, shuffle) => {
        const events: OsvEvent[] = [];
        const intervals: [string, string | undefined, 'fixed' | 'last'][] = [];
        for (let i = 0; i < bounds.length; i += 2) {
          const lo = bounds[i]!;
          const hi = bounds[i + 1];
          events.push({ introduced: lo });
          if (hi !== undefined) {
            const kind = lastAffected && i + 2 >= bounds.length ? 'last' : 'fixed';
            events.push(kind === 'last' ? { last_affected: hi } : { fixed: hi });
            intervals.push([lo, hi, kind]);
          } else if (openEnded) {
            intervals.push([lo, undefined, 'fixed']);
          } else {
            events.pop();
          }
        }
        if (shuffle) events.reverse();
        const expected = intervals.some(([lo, hi, kind]) => compareSemver(version, lo) >= 0 && (hi === undefined || (kind === 'fixed' ? compareSemver(version, hi) < 0 : compareSemver(version, hi) <= 0)));
        expect(matchVersion('npm', version, { ranges: [{ type: 'SEMVER', events }], versions: [] }).affected).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
