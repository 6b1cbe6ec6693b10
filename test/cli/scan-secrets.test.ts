import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
let tmp: string;

function circle(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd: opts.cwd ?? tmp,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, CIRCLE_HOME: join(tmp, 'home'), CI: 'true', NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Fake but well-formed credentials, random per run, built so none sits in our sources. */
const keys = new Map<number, string>();
function randomFrom(alphabet: string, n: number): string {
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}
function fakeKey(seed: number): string {
  if (!keys.has(seed)) keys.set(seed, ['AK', 'IA', randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)].join(''));
  return keys.get(seed) as string;
}
const githubToken = ['gh', 'p_', randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)].join('');
function fakeGithubToken(): string {
  return githubToken;
}

function newRepo(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'circle-scan-secrets-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('circle scan secrets (directory)', () => {
  it('exits 1 with a redacted finding, 0 on a clean tree', () => {
    const dir = join(tmp, 'tree1');
    mkdirSync(dir);
    const key = fakeKey(1);
    writeFileSync(join(dir, 'config.js'), `const id = "${key}";\nconst doc = "AKIAIOSFODNN7EXAMPLE";\n`);
    const r = circle(['scan', 'secrets', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('config.js:1:13');
    expect(r.stdout).toContain('aws-access-key-id');
    expect(r.stdout + r.stderr).not.toContain(key);
    expect(r.stdout).not.toContain('EXAMPLE');
    writeFileSync(join(dir, 'config.js'), 'const id = process.env.AWS_ACCESS_KEY_ID;\n');
    expect(circle(['scan', 'secrets', dir]).code).toBe(0);
  });

  it('never prints the secret in any format unless --reveal', () => {
    const dir = join(tmp, 'tree2');
    mkdirSync(dir);
    const key = fakeKey(2);
    const token = fakeGithubToken();
    writeFileSync(join(dir, '.env'), `AWS_ACCESS_KEY_ID=${key}\nGITHUB_TOKEN=${token}\n`);
    for (const extra of [[], ['--format', 'json'], ['--format', 'sarif'], ['--format', 'github'], ['--json']]) {
      const r = circle(['scan', 'secrets', dir, ...extra]);
      expect(r.code, extra.join(' ')).toBe(1);
      expect(r.stdout.length).toBeGreaterThan(0);
      for (const secret of [key, token, key.slice(4), token.slice(4)]) {
        expect(r.stdout, extra.join(' ')).not.toContain(secret);
        expect(r.stderr, extra.join(' ')).not.toContain(secret);
      }
    }
    const revealed = circle(['scan', 'secrets', dir, '--reveal', '--format', 'json']);
    expect(revealed.stdout).toContain(key);
    expect(revealed.stdout).toContain(token);
  });

  it('writes valid SARIF and GitHub annotations', () => {
    const dir = join(tmp, 'tree3');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), `token ${fakeGithubToken()}\n`);
    const sarif = JSON.parse(circle(['scan', 'secrets', dir, '--format', 'sarif']).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].ruleId).toBe('github-pat');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(1);
    const gh = circle(['scan', 'secrets', dir, '--format', 'github']).stdout;
    expect(gh).toMatch(/^::error file=a\.txt,line=1,endLine=1,col=7,/);
  });

  it('respects .gitignore, inline circle:allow, config allowlists and disabled rules', () => {
    const dir = join(tmp, 'tree4');
    mkdirSync(join(dir, '.circle'), { recursive: true });
    writeFileSync(join(dir, '.gitignore'), 'ignored/\n');
    mkdirSync(join(dir, 'ignored'));
    writeFileSync(join(dir, 'ignored', 'k.txt'), `${fakeKey(3)}\n`);
    writeFileSync(join(dir, 'allowed.txt'), `${fakeKey(4)} // circle:allow test fixture\n`);
    writeFileSync(join(dir, 'fixtures.txt'), `${fakeKey(5)}\n`);
    writeFileSync(join(dir, '.circle', 'scan-secrets.yaml'), 'version: 1\nallowlist:\n  paths: ["fixtures.txt"]\n');
    expect(circle(['scan', 'secrets', dir]).code).toBe(0);
    expect(circle(['scan', 'secrets', dir, '--no-gitignore', '--json']).code).toBe(1);
    writeFileSync(join(dir, '.circle', 'scan-secrets.yaml'), 'version: 1\ndisable: [aws-access-key-id]\n');
    expect(circle(['scan', 'secrets', dir, '--no-gitignore']).code).toBe(0);
    writeFileSync(join(dir, '.circle', 'scan-secrets.yaml'), 'version: 1\nbogus: 1\n');
    const bad = circle(['scan', 'secrets', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('scan-secrets.yaml');
  });

  it('supports custom rules from the config', () => {
    const dir = join(tmp, 'tree5');
    mkdirSync(join(dir, '.circle'), { recursive: true });
    writeFileSync(join(dir, '.circle', 'scan-secrets.yaml'), 'rules:\n  - id: acme-key\n    keywords: [acme_]\n    regex: "acme_[0-9a-f]{24}"\n    severity: critical\n');
    writeFileSync(join(dir, 'x.txt'), 'k = acme_0f3a9c81b2d47e65a1c0f9d3\n');
    const r = circle(['scan', 'secrets', dir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].ruleId).toBe('acme-key');
  });

  it('baseline: --write-baseline records, --baseline reports only new findings', () => {
    const dir = join(tmp, 'tree6');
    mkdirSync(dir);
    writeFileSync(join(dir, 'old.txt'), `${fakeKey(6)}\n`);
    const baseline = join(tmp, 'baseline.json');
    const w = circle(['scan', 'secrets', dir, '--write-baseline', baseline]);
    expect(w.code).toBe(0);
    expect(readFileSync(baseline, 'utf8')).not.toContain(fakeKey(6));
    expect(circle(['scan', 'secrets', dir, '--baseline', baseline]).code).toBe(0);
    writeFileSync(join(dir, 'new.txt'), `${fakeKey(7)}\n`);
    const r = circle(['scan', 'secrets', dir, '--baseline', baseline, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { location: { path: string } }) => f.location.path)).toEqual(['new.txt']);
  });

  it('baseline fingerprints survive moving lines and renaming files (issue 14 item 4)', () => {
    const dir = join(tmp, 'tree-moves');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), `one\n${fakeKey(20)}\n`);
    const baseline = join(tmp, 'baseline-moves.json');
    expect(circle(['scan', 'secrets', dir, '--write-baseline', baseline]).code).toBe(0);
    rmSync(join(dir, 'a.txt'));
    writeFileSync(join(dir, 'renamed.txt'), `new first line\nanother\n\n${fakeKey(20)}\n`);
    const moved = circle(['scan', 'secrets', dir, '--baseline', baseline, '--json']);
    expect(moved.code, moved.stdout).toBe(0);
    expect(JSON.parse(moved.stdout).stats.suppressedByBaseline).toBe(1);
    // A different secret in the same place is new.
    writeFileSync(join(dir, 'renamed.txt'), `new first line\nanother\n\n${fakeKey(21)}\n`);
    expect(circle(['scan', 'secrets', dir, '--baseline', baseline]).code).toBe(1);
  });

  it('honours scan.secrets.maxFileSizeKiB (issue 14 item 4)', () => {
    const dir = join(tmp, 'tree-large');
    mkdirSync(dir);
    writeFileSync(join(dir, 'big.txt'), `${'x'.repeat(1536 * 1024)}\n${fakeKey(22)}\n`);
    const home = join(tmp, 'home-small');
    const env = { ...process.env, CIRCLE_HOME: home, CI: 'true', NO_COLOR: '1' };
    const run = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], { cwd: tmp, encoding: 'utf8', env });
    expect(run(['config', 'set', 'scan.secrets.maxFileSizeKiB', '4096']).status).toBe(0);
    expect(run(['scan', 'secrets', dir]).status).toBe(1);
    expect(run(['config', 'set', 'scan.secrets.maxFileSizeKiB', '1']).status).toBe(0);
    const small = run(['scan', 'secrets', dir, '--json']);
    expect(small.status, small.stderr).toBe(0);
    expect(JSON.parse(small.stdout).stats.skippedLarge).toBe(1);
    // The flag still wins over the setting.
    expect(run(['scan', 'secrets', dir, '--max-file-size', String(4 * 1024 * 1024)]).status).toBe(1);
  });

  it('reads stdin', () => {
    const r = circle(['scan', 'secrets', '--stdin'], { input: `export GITHUB_TOKEN=${fakeGithubToken()}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('<stdin>:1:21');
    expect(circle(['scan', 'secrets', '--stdin'], { input: 'nothing here\n' }).code).toBe(0);
  });
});

describe('circle scan secrets --git / --staged', () => {
  it('finds a key committed then deleted only with --git, with commit, author and date', () => {
    const repo = newRepo('history');
    const key = fakeKey(8);
    writeFileSync(join(repo, 'app.py'), `print("hi")\nAWS_KEY = "${key}"\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'add key');
    const leakCommit = git(repo, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(repo, 'app.py'), 'print("hi")\n');
    git(repo, 'commit', '-q', '-am', 'remove key');

    expect(circle(['scan', 'secrets', repo]).code).toBe(0);
    const r = circle(['scan', 'secrets', repo, '--git', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0];
    expect(f.location).toMatchObject({ path: 'app.py', line: 2, column: 12 });
    expect(f.properties).toMatchObject({ commit: leakCommit, author: 'Ada' });
    expect(typeof f.properties.date).toBe('string');
    expect(r.stdout).not.toContain(key);
    // --since the leaking commit: only later commits, which removed it.
    expect(circle(['scan', 'secrets', repo, '--git', '--since', leakCommit]).code).toBe(0);
    expect(circle(['scan', 'secrets', repo, '--git', '--since', '--output=x']).code).toBe(2);
  });

  it('--staged sees only what is staged', () => {
    const repo = newRepo('staged');
    writeFileSync(join(repo, 'README.md'), 'hello\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'init');
    writeFileSync(join(repo, 'unstaged.txt'), `${fakeKey(9)}\n`);
    expect(circle(['scan', 'secrets', '--staged'], { cwd: repo }).code).toBe(0);
    writeFileSync(join(repo, 'staged.txt'), `a\nb\ntoken = ${fakeGithubToken()}\n`);
    git(repo, 'add', 'staged.txt');
    const r = circle(['scan', 'secrets', '--staged', '--json'], { cwd: repo });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { location: { path: string; line: number } }) => `${f.location.path}:${f.location.line}`)).toEqual(['staged.txt:3']);
  });

  it('install-hook writes a pre-commit hook, refuses a foreign one without --force', () => {
    const repo = newRepo('hook');
    const first = circle(['scan', 'secrets', 'install-hook', repo, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).action).toBe('created');
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain('scan secrets --staged');
    expect(circle(['scan', 'secrets', 'install-hook', repo, '--json']).stdout).toContain('unchanged');
    writeFileSync(hook, '#!/bin/sh\necho mine\n');
    chmodSync(hook, 0o755);
    const refused = circle(['scan', 'secrets', 'install-hook', repo]);
    expect(refused.code).toBe(6);
    expect(readFileSync(hook, 'utf8')).toContain('echo mine');
    expect(circle(['scan', 'secrets', 'install-hook', repo, '--force']).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('scan secrets --staged');
  });
});
