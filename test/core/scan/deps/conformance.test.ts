import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLockfile } from '../../../../src/core/scan/deps/parsers/index.js';
import type { LockfileKind } from '../../../../src/core/scan/deps/types.js';

/**
 * Parser conformance against osv-scalibr's own fixtures: for every table case of
 * the peer's tests, our parser must produce exactly the package list (name and
 * version, as a multiset) the peer's test expects, and fail where it fails.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpus = path.resolve(repoRoot, 'test/fixtures/scan/osv-scalibr');

const KINDS: Record<string, LockfileKind | ((file: string) => LockfileKind)> = {
  'javascript-packagelockjson': 'package-lock',
  'javascript-yarnlock': 'yarn-lock',
  'javascript-pnpmlock': 'pnpm-lock',
  'javascript-bunlock': 'bun-lock',
  'python-requirements': 'requirements',
  'python-poetrylock': 'poetry-lock',
  'python-pipfilelock': 'pipfile-lock',
  'python-uvlock': 'uv-lock',
  'rust-cargolock': 'cargo-lock',
  'golang-gomod': 'go-mod',
  'ruby-gemfilelock': 'gemfile-lock',
  'php-composerlock': 'composer-lock',
};

/** Cases whose expectation depends on something outside the single file a parser reads. */
const OUTSIDE_THE_PARSER: Record<string, string> = {
  'testdata/both/package-lock.json': 'discovery prefers npm-shrinkwrap.json beside it (tested in discover.test.ts)',
  'testdata/indirect-1.16.mod': 'go <= 1.16 lists transitive modules only in go.sum, which we do not read',
};

interface ExpectedCase {
  test: string;
  path: string;
  wantErr?: string;
  packages: { name: string; version: string; depGroups?: string[] }[];
}

describe('osv-scalibr parser conformance', () => {
  for (const [dir, kindOf] of Object.entries(KINDS)) {
    const expected = JSON.parse(readFileSync(path.join(corpus, dir, 'expected.json'), 'utf8')) as { cases: ExpectedCase[] };
    describe(dir, () => {
      for (const c of expected.cases) {
        it.skipIf(c.path in OUTSIDE_THE_PARSER)(`${c.test} (${c.path})`, async () => {
          const file = path.join(corpus, dir, c.path);
          const kind = typeof kindOf === 'function' ? kindOf(file) : kindOf;
          const text = readFileSync(file, 'utf8');
          const readInclude = (rel: string) => {
            const nested = path.join(path.dirname(file), rel);
            return existsSync(nested) ? { file: nested, text: readFileSync(nested, 'utf8') } : undefined;
          };
          if (c.wantErr && c.packages.length === 0) {
            await expect(parseLockfile(kind, { file: c.path, text, readInclude })).rejects.toThrow(/Malformed lockfile/);
            return;
          }
          const { packages } = await parseLockfile(kind, { file: c.path, text, readInclude });
          // osv-scalibr drops the `v` of Go module versions; circle keeps it, as go.mod, the Go
          // tooling and OSV's Go advisories write it (issue 14), and compares without it here.
          const shown = (p: { ecosystem: string; version: string }) => (p.ecosystem === 'Go' ? p.version.replace(/^v/, '') : p.version);
          const got = packages.map((p) => `${p.name}@${shown(p)}`).sort();
          const want = c.packages.map((p) => `${p.name}@${p.version ?? ''}`).sort();
          expect(got).toEqual(want);
          // Where the peer marks a package dev-only, so must we (the converse differs by design for pnpm/bun).
          for (const p of c.packages.filter((q) => q.depGroups?.includes('dev'))) {
            expect(packages.some((q) => q.name === p.name && shown(q) === p.version && q.dev), `${p.name}@${p.version} dev`).toBe(true);
          }
          for (const p of packages) expect(p.line).toBeGreaterThanOrEqual(1);
        });
      }
    });
  }
});
