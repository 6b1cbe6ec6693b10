import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchEncoded, matchVersion, type AffectedSpec, type OsvEvent } from '../../../../src/core/scan/osv/match.js';
import { decodeCandidates, encodeCandidates, forEachCandidate } from '../../../../src/core/scan/osv/match-entry.js';
import type { AdvisoryCandidate } from '../../../../src/core/scan/osv/names.js';

const version = fc.string({ maxLength: 12 });
const event: fc.Arbitrary<OsvEvent> = fc.oneof(
  version.map((introduced) => ({ introduced })),
  version.map((fixed) => ({ fixed })),
  version.map((last_affected) => ({ last_affected })),
  version.map((limit) => ({ limit })),
);
const spec: fc.Arbitrary<AffectedSpec> = fc.record({
  ranges: fc.array(fc.record({ type: fc.constantFrom('SEMVER' as const, 'ECOSYSTEM' as const), events: fc.array(event, { maxLength: 5 }) }), { maxLength: 3 }),
  // Versions may look like markers ("A", "=", "i"): they are read by position, never as tokens.
  versions: fc.array(fc.oneof(version, fc.constantFrom('A', 'S', '=', 'i', 'f')), { maxLength: 4 }),
});
const candidate: fc.Arbitrary<AdvisoryCandidate> = fc.record({
  ref: fc.tuple(fc.nat(), fc.nat()),
  affected: fc.array(spec, { minLength: 1, maxLength: 3 }),
});

describe('match entries (the index encoding of candidates)', () => {
  it('decodes what it encodes, through JSON', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 5 }), (candidates) => {
        expect(decodeCandidates(JSON.parse(JSON.stringify(encodeCandidates(candidates))))).toEqual(candidates);
      }),
    );
  });

  it('matching the encoding agrees with matching each spec (OSV semantics in one place)', () => {
    const semverish = fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.nat({ max: 3 })).map((p) => p.join('.'));
    const smallSpec = spec.map((s) => s);
    fc.assert(
      fc.property(fc.array(smallSpec, { minLength: 1, maxLength: 3 }), semverish, (specs, v) => {
        const tokens = encodeCandidates([{ ref: [0, 0], affected: specs }]);
        const together = matchEncoded('npm', v, tokens, 2, tokens.length);
        const each = specs.map((s) => matchVersion('npm', v, s));
        expect(together.affected).toBe(each.some((m) => m.affected));
        // The fix reported is that of the last affected entry that records one.
        expect(together.fixed).toBe(each.filter((m) => m.affected && m.fixed !== undefined).pop()?.fixed);
      }),
    );
  });

  it.each([
    ['not an array', { a: 1 }],
    ['no reference first', ['A', 'S']],
    ['half a reference', [1]],
  ])('a malformed entry throws (%s)', (_what, slice) => {
    expect(() => forEachCandidate(slice, () => undefined)).toThrow();
  });

  it.each([
    ['an event with no version', ['A', 'S', 'i']],
    ['an event outside a range', ['A', 'i', '0']],
    ['a range outside an entry', ['S', 'i', '0']],
    ['an unknown marker', ['A', 'S', 'x', '1']],
    ['a number as a version', ['A', '=', 5]],
  ])('malformed tokens throw rather than mis-match (%s)', (_what, tokens) => {
    expect(() => matchEncoded('npm', '1.0.0', tokens, 0, tokens.length)).toThrow();
    expect(() => decodeCandidates([0, 0, ...tokens])).toThrow();
  });
});
