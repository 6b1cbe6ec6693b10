import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * End to end: the built CLI, a temp CIRCLE_HOME, an OSV zip served from
 * 127.0.0.1 through `scan db update`, and a monorepo fixture with seven lockfile kinds.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(repoRoot, 'test/fixtures/scan-deps');
const monorepo = path.join(fixtures, 'monorepo');
const entry = path.join(repoRoot, 'bin/run.js');

let home: string;
let server: Server;
let base: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { cwd: repoRoot, env: { ...process.env, CIRCLE_HOME: home, CI: 'true', NO_COLOR: '1', ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'circle-cli-deps-'));
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(path.join(fixtures, 'osv'))) files[`osv/${f}`] = strToU8(readFileSync(path.join(fixtures, 'osv', f), 'utf8'));
  const zip = zipSync(files);
  server = createServer((req, res) => {
    if (req.url === '/all.zip') res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
    else res.writeHead(200).end('not a zip');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

describe.sequential('circle scan deps (end to end)', () => {
  it('without a database: exit 4 and a hint to update', async () => {
    const r = await run(['scan', 'deps', monorepo]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/scan db update/);
  });

  it('db update --url downloads and indexes the served zip', async () => {
    const r = await run(['scan', 'db', 'update', '--url', `${base}/all.zip`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ advisories: 7, skipped: { withdrawn: 1 } });
    const s = await run(['scan', 'db', 'status', '--json']);
    expect(JSON.parse(s.stdout)).toMatchObject({ present: true, advisories: 7, stale: false });
  });

  it('a bad update fails (exit 5) and keeps the database', async () => {
    const r = await run(['scan', 'db', 'update', '--url', `${base}/broken.zip`]);
    expect(r.code).toBe(5);
    const s = await run(['scan', 'db', 'status', '--json']);
    expect(JSON.parse(s.stdout).advisories).toBe(7);
  });

  it('rejects a non-http URL as usage (exit 2)', async () => {
    expect((await run(['scan', 'db', 'update', '--url', 'file:///etc/passwd'])).code).toBe(2);
  });

  it('table output: every vulnerable package, path, fix; warns about the malformed lockfile; exit 1', async () => {
    const r = await run(['scan', 'deps', monorepo, '--fail-on', 'critical']);
    expect(r.code).toBe(1);
    for (const s of ['minimist@0.0.8', 'GHSA-xvch-5gv4-984h', '0.2.4', 'mkdirp', 'django@3.2.0', 'smallvec@1.6.0', 'nokogiri@1.13.3', 'guzzlehttp/psr7@1.8.0', 'lodash@4.17.15']) expect(r.stdout).toContain(s);
    expect(r.stderr).toMatch(/Malformed lockfile broken\/poetry\.lock:\d+/);
  });

  it('--fail-on above every finding exits 0', async () => {
    const r = await run(['scan', 'deps', '--lockfile', path.join(monorepo, 'ruby/Gemfile.lock'), '--fail-on', 'high']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nokogiri');
  });

  it('--json returns the plain result with the gate decision', async () => {
    const r = await run(['scan', 'deps', monorepo, '--json', '--omit', 'dev', '--fail-on', 'high']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ failOn: 'high', failed: true, database: { advisories: 7 } });
    expect(json.vulnerabilities.map((v: { name: string }) => v.name).sort()).toEqual(['django', 'guzzlehttp/psr7', 'minimist', 'nokogiri', 'smallvec']);
  });

  it('--format sarif, cyclonedx and github', async () => {
    const sarif = JSON.parse((await run(['scan', 'deps', monorepo, '--format', 'sarif'])).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBe(6);
    const bom = JSON.parse((await run(['scan', 'deps', monorepo, '--format', 'cyclonedx'])).stdout);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5' });
    expect(bom.vulnerabilities.length).toBe(6);
    const gh = (await run(['scan', 'deps', monorepo, '--format', 'github'])).stdout.trim().split('\n');
    expect(gh.length).toBe(6);
    expect(gh.every((l) => l.startsWith('::'))).toBe(true);
  });

  it('warns on stderr when the database is older than scan.db.maxAgeDays, without changing the result', async () => {
    // An import ten and a half days ago, as the index records it.
    const osv = path.join(home, 'cache', 'osv');
    const metaFile = path.join(osv, readFileSync(path.join(osv, 'CURRENT'), 'utf8').trim(), 'meta.json');
    const fresh = readFileSync(metaFile, 'utf8');
    writeFileSync(metaFile, JSON.stringify({ ...JSON.parse(fresh), createdAt: new Date(Date.now() - 10.5 * 86_400_000).toISOString() }));
    try {
      const gemfile = path.join(monorepo, 'ruby/Gemfile.lock');
      const stale = await run(['scan', 'deps', '--lockfile', gemfile, '--fail-on', 'critical']);
      expect(stale.code, stale.stderr).toBe(0); // a warning, not a failure
      expect(stale.stderr).toContain('The advisory database is 10 days old (limit scan.db.maxAgeDays = 7); run `circle scan db update`.');
      expect(stale.stdout).toContain('nokogiri');
      expect(stale.stdout).not.toContain('days old');

      // The limit is configurable (here through its environment variable); 0 never warns.
      for (const limit of ['30', '0']) {
        const r = await run(['scan', 'deps', '--lockfile', gemfile, '--fail-on', 'critical'], { CIRCLE_SCAN_DB_MAX_AGE_DAYS: limit });
        expect(r.code).toBe(0);
        expect(r.stderr).not.toContain('days old');
      }
      expect((await run(['scan', 'deps', '--lockfile', gemfile, '--fail-on', 'critical'], { CIRCLE_SCAN_DB_MAX_AGE_DAYS: '10' })).stderr).toContain('10 days old (limit scan.db.maxAgeDays = 10)');

      // --json keeps both streams free of it and reports the age as data; db status calls it stale.
      const json = await run(['scan', 'deps', '--lockfile', gemfile, '--fail-on', 'critical', '--json']);
      expect(json.stderr).not.toContain('days old');
      expect(JSON.parse(json.stdout).database.ageDays).toBeCloseTo(10.5, 0);
      expect(JSON.parse((await run(['scan', 'db', 'status', '--json'])).stdout)).toMatchObject({ stale: true });
    } finally {
      writeFileSync(metaFile, fresh);
    }
  });

  it('--output writes the report to a file', async () => {
    const out = path.join(home, 'deps.sarif');
    const r = await run(['scan', 'deps', monorepo, '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });
});

/**
 * Progress for a large tree: a spinner on stderr that names the lockfile being
 * scanned, only when a person is watching — a terminal, no --json, not CI — and
 * never in a pipe. Driven through a pseudo-terminal (test/fixtures/pty/drive.py).
 */
const hasPython = spawnSync('python3', ['--version']).error === undefined;
if (!hasPython) console.warn('[circle tests] python3 not found: the scan deps progress-on-a-terminal test is SKIPPED');

describe.skipIf(!hasPython)('circle scan deps progress', () => {
  const LOCKFILES = 300;
  let tree: string;
  let progressHome: string;

  beforeAll(async () => {
    tree = mkdtempSync(path.join(tmpdir(), 'circle-deps-tree-'));
    progressHome = path.join(tree, 'home');
    for (let i = 0; i < LOCKFILES; i++) {
      const dir = path.join(tree, 'project', `svc-${String(i).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      const lock = { name: `svc-${i}`, version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: `svc-${i}`, version: '1.0.0', dependencies: { minimist: '0.0.8' } }, 'node_modules/minimist': { version: '0.0.8' } } };
      writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
    }
    const imported = spawnSync(process.execPath, [entry, 'scan', 'db', 'import', path.join(fixtures, 'osv'), '--json'], { env: { ...process.env, CIRCLE_HOME: progressHome, CI: 'true' }, encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  /** Runs the scan in a terminal of `columns`×40 (a pty starts at 0×0, as under `docker run -t`) until `until` shows. */
  function inTerminal(args: string[], until: string, env: NodeJS.ProcessEnv = {}, columns = 120) {
    const ttyEnv: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: progressHome, TERM: 'xterm', ...env };
    delete ttyEnv.NO_COLOR;
    if (!('CI' in env)) delete ttyEnv.CI; // a person at a terminal
    const command = `stty cols ${columns} rows 40 && exec "$0" "$@"`;
    const steps = [[until, '']];
    return spawnSync('python3', [path.join(repoRoot, 'test/fixtures/pty/drive.py'), JSON.stringify(steps), '--', 'sh', '-c', command, process.execPath, entry, 'scan', 'deps', path.join(tree, 'project'), ...args], {
      env: ttyEnv,
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  const SPINNER_TEXT = /Scanning svc-\d{3}\/package-lock\.json \(\d+\/300\)/;

  it('shows which lockfile it is on, on a terminal', () => {
    const r = inTerminal(['--fail-on', 'critical'], 'vulnerable package');
    expect(r.status, r.stdout.slice(-2000)).toBe(1); // minimist 0.0.8 is critical
    expect(r.stdout).toMatch(SPINNER_TEXT);
    expect(r.stdout).toMatch(/300 vulnerable package\(s\) of 300 scanned/);
  });

  it.each([
    ['--json', ['--json'], '"failed"', {}],
    ['CI', [], 'vulnerable package', { CI: 'true' }],
  ])('shows none with %s, even on a terminal', (_what, args, until, env) => {
    const r = inTerminal([...args, '--fail-on', 'critical'], until, env);
    expect(r.status, r.stdout.slice(-2000)).toBe(1);
    expect(r.stdout).not.toMatch(/Scanning/);
    expect(r.stdout).not.toContain('\u001b[?25l'); // the spinner hides the cursor
  });

  it('shows none on a terminal that reports no width (a spinner there redraws endlessly)', () => {
    const r = inTerminal(['--fail-on', 'critical'], 'vulnerable package', {}, 0);
    expect(r.status, r.stdout.slice(-2000)).toBe(1);
    expect(r.stdout).not.toMatch(/Scanning/);
    expect(r.stdout).not.toContain('\u001b[?25l');
  });

  it('shows none in a pipe', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: progressHome };
    delete env.CI;
    const r = spawnSync(process.execPath, [entry, 'scan', 'deps', path.join(tree, 'project'), '--fail-on', 'critical'], { env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/Scanning/);
    expect(r.stderr).not.toContain('\u001b[?25l');
  });
});
