import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../../src/core/scan/secrets/scanner.js';
import type { ScanFinding } from '../../../../src/core/scan/report/types.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
const testdata = resolve(repoRoot, 'test/fixtures/scan/gitleaks/testdata');
const expected = JSON.parse(readFileSync(resolve(testdata, '../expected-findings.json'), 'utf8')).cases as Array<{
  goTest: string;
  goLine: number;
  expectedFindings: Array<{ RuleID: string; File: string; StartLine: number; Commit: string; Author: string; Date: string }>;
}>;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'circle-gitleaks-repos-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The peer stores its fixture repos with `.git` renamed to `dotGit`; restore it in a copy. */
function checkout(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(testdata, 'repos', name), dir, { recursive: true });
  renameSync(join(dir, 'dotGit'), join(dir, '.git'));
  return dir;
}

/** `.gitleaksignore`: `commit:file:rule:line` or `file:rule:line` fingerprints the peer suppresses. */
function ignored(dir: string): Set<string> {
  const text = readFileSync(join(dir, '.gitleaksignore'), 'utf8');
  return new Set(text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
}

function peerKey(f: ScanFinding): string[] {
  const commit = typeof f.properties?.commit === 'string' ? f.properties.commit : '';
  const tail = `${f.location.path}:aws-access-key:${f.location.line}`;
  return commit === '' ? [tail] : [`${commit}:${tail}`, tail];
}

function awsOnly(findings: ScanFinding[], ignore: Set<string>): ScanFinding[] {
  // Entries for directory scans carry the peer's own path prefix (`../testdata/repos/nogit/api.go:…`).
  const hit = (k: string): boolean => ignore.has(k) || [...ignore].some((e) => e.endsWith(`/${k}`));
  return findings.filter((f) => f.ruleId === 'aws-access-key-id' && !peerKey(f).some(hit));
}

describe('gitleaks detect_test.go peer expectations', () => {
  it('TestFromGit (small): the same two leaks, with commit, author and date', async () => {
    const dir = checkout('small');
    const report = await scanSecrets({ root: dir, source: 'git' });
    const got = awsOnly(report.findings, ignored(dir));
    const want = expected.find((c) => c.goTest === 'TestFromGit' && c.goLine === 862)!.expectedFindings;
    const norm = (xs: Array<{ path: string; line: number; commit: string; author: string; date: string }>) =>
      xs.map((x) => `${x.commit}:${x.path}:${x.line}:${x.author}:${Date.parse(x.date)}`).sort();
    expect(norm(got.map((f) => ({ path: f.location.path, line: f.location.line!, commit: String(f.properties?.commit), author: String(f.properties?.author), date: String(f.properties?.date) })))).toEqual(
      norm(want.map((w) => ({ path: w.File, line: w.StartLine, commit: w.Commit, author: w.Author, date: w.Date }))),
    );
  });

  it('TestFromGitStaged (staged): one leak in the staged change', async () => {
    const dir = checkout('staged');
    const report = await scanSecrets({ root: dir, source: 'staged' });
    const got = awsOnly(report.findings, ignored(dir)).map((f) => `${f.location.path}:${f.location.line}`);
    const want = expected.find((c) => c.goTest === 'TestFromGitStaged')!.expectedFindings.map((w) => `${w.File}:${w.StartLine}`);
    expect(got).toEqual(want);
  });

  it('TestFromFiles (nogit): main.go:20 is found (api.go:20 is in the peer ignore file), .env.prod has a generic secret on line 4', async () => {
    const dir = join(testdata, 'repos', 'nogit');
    const report = await scanSecrets({ root: dir, source: 'tree' });
    const aws = awsOnly(report.findings, ignored(dir)).map((f) => `${f.location.path}:${f.location.line}`);
    expect(aws).toEqual(['main.go:20']);
    const env = report.findings.filter((f) => f.location.path === '.env.prod').map((f) => f.location.line);
    expect(env).toContain(4);
  });
});
