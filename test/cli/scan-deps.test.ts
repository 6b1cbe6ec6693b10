import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { cwd: repoRoot, env: { ...process.env, CIRCLE_HOME: home, CI: 'true', NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
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

  it('--output writes the report to a file', async () => {
    const out = path.join(home, 'deps.sarif');
    const r = await run(['scan', 'deps', monorepo, '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });
});
