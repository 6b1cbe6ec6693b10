import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareComposer, compareGeneric, comparePep440, compareRubyGems, compareSemver } from '../../../../src/core/scan/osv/versions.js';

/** Each list is in strictly ascending order per the ecosystem's own rules. */
const ORDERED: Record<string, [(a: string, b: string) => number, string[]]> = {
  semver: [compareSemver, ['0.0.1', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', 'v2.0.0']],
  // PEP 440 §Summary of permitted suffixes and relative ordering.
  pep440: [comparePep440, ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0rc1', '1.0', '1.0+abc.5', '1.0.post456.dev34', '1.0.post456', '1.1.dev1', '1!0.1']],
  // Gem::Version: letters make a pre-release, which sorts before the release.
  rubygems: [compareRubyGems, ['1.0.a', '1.0.a2', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1', '7.0.2.2', '7.0.2.3']],
  // PHP version_compare as Composer uses it.
  composer: [compareComposer, ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta2', '1.0.0-RC1', '1.0.0', 'v1.0.1', '1.0.1-pl1', '2.0']],
};

describe('ecosystem version order', () => {
  for (const [name, [cmp, list]] of Object.entries(ORDERED)) {
    it(`${name}: every pair compares in list order`, () => {
      for (let i = 0; i < list.length; i++) {
        for (let j = 0; j < list.length; j++) {
          expect(Math.sign(cmp(list[i]!, list[j]!)), `${list[i]} vs ${list[j]}`).toBe(Math.sign(i - j));
        }
      }
    });
  }

  it('treats equal versions as equal across spellings', () => {
    expect(compareRubyGems('1.0', '1.0.0')).toBe(0);
    expect(compareComposer('1.0', '1.0.0.0')).toBe(0);
    expect(comparePep440('1.0', '1.0.0')).toBe(0);
    expect(compareSemver('v1.2.3', '1.2.3')).toBe(0);
  });

  it('generic order is antisymmetric and transitive on dotted numbers', () => {
    const version = fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(Math.sign(compareGeneric(a, b)) + 0).toBe(-Math.sign(compareGeneric(b, a)) + 0);
        if (compareGeneric(a, b) <= 0 && compareGeneric(b, c) <= 0) expect(compareGeneric(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});
