import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli, tempHome } from '../helpers/cli.js';
import { FileStore } from '../../src/core/storage/index.js';
import { tarballKey } from '../../src/core/pkg/registry.js';

const PASSWORD = 'correct horse battery staple';
const t = tempHome();
const home = t.home;
const registry = join(t.root, 'registry');
const tokens: Record<string, string> = {};

async function circle(args: string[], options: { cwd?: string; token?: string; input?: string } = {}) {
  return runCli([...args, '--registry', registry].filter((a, i, all) => !(a === '--registry' && all.slice(0, i).includes('--registry'))), {
    home,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input ? { input: options.input } : {}),
    ...(options.token ? { env: { CIRCLE_TOKEN: options.token } } : {}),
  });
}
/** Commands that take no --registry. */
async function plain(args: string[], options: { cwd?: string; token?: string; input?: string } = {}) {
  return runCli(args, { home, ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.input ? { input: options.input } : {}), ...(options.token ? { env: { CIRCLE_TOKEN: options.token } } : {}) });
}

function pkg(name: string, version: string, files: Record<string, string> = {}, deps: Record<string, string> = {}): string {
  const dir = join(t.root, 'src', `${name.replace('/', '+')}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js', description: `${name} for tests`, dependencies: deps }));
  writeFileSync(join(dir, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

function project(name: string): string {
  const dir = join(t.root, 'projects', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  const init = await plain(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${PASSWORD}\n` });
  expect(init.code, init.stderr).toBe(0);
  const login = await plain(['auth', 'login', '--user', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` });
  expect(login.code, login.stderr).toBe(0);
  for (const role of ['maintainer', 'developer', 'viewer', 'ci']) {
    const r = await plain(['auth', 'token', 'create', '--name', role, '--role', role, '--json']);
    expect(r.code, r.stderr).toBe(0);
    tokens[role] = (JSON.parse(r.stdout) as { token: string }).token;
  }
  const key = await plain(['pkg', 'keys', 'create', '--json']);
  expect(key.code, key.stderr).toBe(0);
}, 120_000);
afterAll(() => t.cleanup());

describe('circle pkg end to end on a file:// registry', () => {
  it('packs what npm installs, publishes, installs, verifies', async () => {
    const src = pkg('@acme/util', '1.0.0', { 'README.md': '# util\n' });
    const packed = await plain(['pkg', 'pack', src, '--pack-destination', t.root, '--json']);
    expect(packed.code, packed.stderr).toBe(0);
    const { file, integrity } = JSON.parse(packed.stdout) as { file: string; integrity: string };
    // npm installs circle's tarball.
    const npmProject = project('npm');
    writeFileSync(join(npmProject, 'package.json'), '{"name":"npm-consumer","version":"1.0.0"}');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', file], { cwd: npmProject, stdio: 'pipe' });
    expect(readFileSync(join(npmProject, 'node_modules/@acme/util/index.js'), 'utf8')).toContain('@acme/util@1.0.0');

    const pub = await circle(['pkg', 'publish', src, '--json']);
    expect(pub.code, pub.stderr).toBe(0);
    expect(JSON.parse(pub.stdout)).toMatchObject({ name: '@acme/util', version: '1.0.0', integrity, published: true });
    const again = await circle(['pkg', 'publish', src]);
    expect(again.code).toBe(6);

    const proj = project('consumer');
    const inst = await circle(['pkg', 'install', '@acme/util@^1', '--dir', proj, '--json'], { token: tokens.ci });
    expect(inst.code, inst.stderr).toBe(0);
    expect(readFileSync(join(proj, 'node_modules/@acme/util/index.js'), 'utf8')).toContain('1.0.0');
    expect(existsSync(join(proj, '.circle/pkg-lock.json'))).toBe(true);
    expect((await circle(['pkg', 'verify', '--dir', proj], { token: tokens.developer })).code).toBe(0);
    writeFileSync(join(proj, 'node_modules/@acme/util/index.js'), 'module.exports = "swapped"');
    const bad = await circle(['pkg', 'verify', '--dir', proj, '--json'], { token: tokens.developer });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).problems[0]).toMatchObject({ problem: 'modified' });
    const frozen = await circle(['pkg', 'install', '--frozen-lockfile', '--dir', proj], { token: tokens.ci });
    expect(frozen.code, frozen.stderr).toBe(0);
    expect((await circle(['pkg', 'verify', '--dir', proj], { token: tokens.developer })).code).toBe(0);
  });

  it('exits 5 on a tampered tarball before writing any file', async () => {
    await circle(['pkg', 'publish', pkg('victim', '1.0.0')]);
    const store = new FileStore(registry);
    await store.put(tarballKey('victim', '1.0.0'), gzipSync(Buffer.from('evil')));
    const proj = project('tampered');
    const r = await circle(['pkg', 'install', 'victim', '--dir', proj]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/does not match its integrity/);
    expect(readdirSync(proj)).toEqual(existsSync(join(proj, 'node_modules')) ? ['node_modules'] : []);
    expect(existsSync(join(proj, 'node_modules')) ? readdirSync(join(proj, 'node_modules')) : []).toEqual([]);
  });

  it('exits 5 for an untrusted key, and installs once the key is trusted', async () => {
    await circle(['pkg', 'publish', pkg('trusted-later', '1.0.0')]);
    const exported = await plain(['pkg', 'keys', 'export', '--json']);
    const { keyid, publicKeyPem } = JSON.parse(exported.stdout) as { keyid: string; publicKeyPem: string };
    expect((await plain(['pkg', 'trust', 'rm', keyid])).code).toBe(0);
    const proj = project('untrusted');
    const r = await circle(['pkg', 'install', 'trusted-later', '--dir', proj]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/not a trusted key/);
    expect(existsSync(join(proj, '.circle'))).toBe(false);
    writeFileSync(join(t.root, 'publisher.pem'), publicKeyPem);
    const added = await plain(['pkg', 'trust', 'add', '--file', join(t.root, 'publisher.pem')]);
    expect(added.code, added.stderr).toBe(0);
    expect((await circle(['pkg', 'install', 'trusted-later', '--dir', proj])).code).toBe(0);
  });

  it('refuses a package with a secret in it, redacted (exit 1)', async () => {
    const secret = 'AKIA' + 'Z7QW3RT5YU8IOP2M';
    const src = pkg('leaky', '1.0.0', { 'config.js': `module.exports = { aws: "${secret}", awsSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8hT3mN2k" };\n` });
    const r = await circle(['pkg', 'publish', src, '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { published: boolean; findings: { kind: string }[] };
    expect(result.published).toBe(false);
    expect(result.findings[0]!.kind).toBe('secret');
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect((await circle(['pkg', 'info', 'leaky'])).code).toBe(4);
  });

  it('enforces roles: developer and ci install but cannot publish, yank or trust; viewer cannot install', async () => {
    const src = pkg('roles', '1.0.0');
    expect((await circle(['pkg', 'publish', src], { token: tokens.developer })).code).toBe(3);
    expect((await circle(['pkg', 'publish', src], { token: tokens.maintainer })).code).toBe(0);
    expect((await circle(['pkg', 'yank', 'roles@1.0.0'], { token: tokens.ci })).code).toBe(3);
    expect((await circle(['pkg', 'install', 'roles', '--dir', project('viewer')], { token: tokens.viewer })).code).toBe(3);
    expect((await circle(['pkg', 'install', 'roles', '--dir', project('dev')], { token: tokens.developer })).code).toBe(0);
    expect((await plain(['pkg', 'trust', 'list'], { token: tokens.developer })).code).toBe(0);
    expect((await plain(['pkg', 'keys', 'create'], { token: tokens.developer })).code).toBe(3);
  });

  it('yank, deprecate and dist-tag through the CLI', async () => {
    for (const v of ['2.0.0', '2.1.0']) expect((await circle(['pkg', 'publish', pkg('tags', v)])).code).toBe(0);
    expect((await circle(['pkg', 'yank', 'tags@2.1.0'])).code).toBe(0);
    const info = JSON.parse((await circle(['pkg', 'info', 'tags', '--json'])).stdout) as { versions: { version: string; yanked: boolean }[] };
    expect(info.versions.find((v) => v.version === '2.1.0')!.yanked).toBe(true);
    const proj = project('tags');
    const inst = await circle(['pkg', 'install', 'tags@^2', '--dir', proj, '--json']);
    expect(JSON.parse(inst.stdout).installed[0].version).toBe('2.0.0');
    expect((await circle(['pkg', 'deprecate', 'tags@2.0.0', 'use 3'])).code).toBe(0);
    const warned = await circle(['pkg', 'install', 'tags@2.0.0', '--dir', project('tags2')]);
    expect(warned.stderr).toMatch(/deprecated: use 3/);
    expect((await circle(['pkg', 'dist-tag', 'add', 'tags@2.1.0', 'beta'])).code).toBe(0);
    expect(JSON.parse((await circle(['pkg', 'dist-tag', 'ls', 'tags', '--json'])).stdout).distTags).toEqual({ latest: '2.1.0', beta: '2.1.0' });
    const audit = await plain(['audit', 'log', '--json']);
    const actions = (audit.stdout.match(/"action": "pkg\.[a-z.-]+"/g) ?? []).join(' ');
    for (const a of ['pkg.publish', 'pkg.install', 'pkg.yank', 'pkg.deprecate', 'pkg.trust.add', 'pkg.trust.rm', 'pkg.dist-tag.add']) expect(actions).toContain(a);
  });

  it('ten processes publishing ten versions at once all land in the packument', async () => {
    const dirs = Array.from({ length: 10 }, (_, i) => pkg('racy', `1.0.${i}`));
    const results = await Promise.all(dirs.map((d) => collect(spawnCli(['pkg', 'publish', d, '--registry', registry], { home }))));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse((await circle(['pkg', 'info', 'racy', '--json'])).stdout) as { versions: unknown[]; distTags: Record<string, string> };
    expect(info.versions).toHaveLength(10);
    expect(info.distTags.latest).toBe('1.0.9');
  }, 120_000);
});
