import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initVault } from '../../../src/core/vault/index.js';
import type { VaultContext } from '../../../src/core/vault/context.js';
import { FileStore } from '../../../src/core/storage/index.js';
import { Registry, packumentKey, tarballKey } from '../../../src/core/pkg/registry.js';
import { RegistrySet } from '../../../src/core/pkg/sources.js';
import { createPublisherKey, revokePublisherKey, trustedKeys, addTrustedKey, parsePublicKey, exportPublisherKey } from '../../../src/core/pkg/keystore.js';
import { publishPackage } from '../../../src/core/pkg/publish.js';
import { installPackages } from '../../../src/core/pkg/install.js';
import { verifyInstalled } from '../../../src/core/pkg/verify.js';
import { deprecateVersions, packageInfo, publishRevocation, searchPackages, setDistTag, setYanked } from '../../../src/core/pkg/admin.js';
import type { TrustedKey } from '../../../src/core/pkg/signing.js';

let work: string;
let ctx: VaultContext;
let registry: Registry;
let store: FileStore;
let trusted: TrustedKey[];

function pkgDir(name: string, version: string, deps: Record<string, string> = {}, extra: Record<string, string> = {}): string {
  const dir = join(work, 'src', `${name.replace('/', '+')}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js', description: `the ${name} package`, keywords: ['demo', name], dependencies: deps }));
  writeFileSync(join(dir, 'index.js'), `module.exports = { name: ${JSON.stringify(name)}, version: ${JSON.stringify(version)}, deps: [${Object.keys(deps).map((d) => `require(${JSON.stringify(d)})`).join(', ')}] };\n`);
  for (const [f, t] of Object.entries(extra)) writeFileSync(join(dir, f), t);
  return dir;
}

const publish = (source: string, extra: { tag?: string } = {}) => publishPackage({ ctx, registry, source, failOn: 'critical', ...extra });

function project(name: string): string {
  const dir = join(work, 'projects', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const install = (dir: string, specs: string[], extra: { frozen?: boolean; trusted?: TrustedKey[] } = {}) =>
  installPackages({ ctx, projectDir: dir, registries: new RegistrySet(registry), specs, signatures: 'require', trusted: extra.trusted ?? trusted, ...(extra.frozen ? { frozen: true } : {}) });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'circle-pkg-flow-'));
  ({ ctx } = await initVault(join(work, 'home'), { admin: 'alice', password: 'correct horse battery' }));
  store = new FileStore(join(work, 'registry'));
  registry = new Registry(store);
  await createPublisherKey(ctx);
  trusted = await trustedKeys(ctx);
  for (const v of ['1.0.0', '1.1.0', '2.0.0', '1.2.0-beta.1']) await publish(pkgDir('lib-b', v), v.includes('-') ? { tag: 'next' } : {});
  await publish(pkgDir('@acme/app', '1.0.0', { 'lib-b': '^1.0.0', '@acme/util': '~0.1.0' }));
  await publish(pkgDir('@acme/util', '0.1.0', { 'lib-b': '^2.0.0' }));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pkg publish / install / verify on a file:// registry', () => {
  it('publishes packuments in npm shape, signed, with dist-tags and a search index', async () => {
    const info = await packageInfo(registry, 'lib-b');
    expect(info.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0', '1.2.0-beta.1', '2.0.0']);
    expect(info.distTags).toEqual({ latest: '2.0.0', next: '1.2.0-beta.1' });
    expect(info.versions.every((v) => v.signed && v.keyids[0] === trusted[0]!.keyid)).toBe(true);
    const doc = (await registry.packument('lib-b'))!.doc;
    expect(doc.versions['1.0.0']!.dist).toMatchObject({ tarball: tarballKey('lib-b', '1.0.0'), fileCount: 2 });
    expect(doc.versions['1.0.0']!.dist.integrity).toMatch(/^sha512-/);
    expect(doc.time['1.0.0']).toBeTruthy();
    expect((await searchPackages(registry, 'acme demo')).results.map((r) => r.name)).toEqual(['@acme/app', '@acme/util']);
    expect((await registry.keysDocument()).keys[0]).toMatchObject({ keyid: trusted[0]!.keyid, keytype: 'ed25519', expires: null });
  });

  it('refuses the same version twice (exit 6)', async () => {
    await expect(publish(pkgDir('lib-b', '1.0.0'))).rejects.toMatchObject({ exitCode: 6 });
  });

  it('installs a nested tree Node can load, writes the lockfile, and verifies it', async () => {
    const dir = project('ok');
    const result = await install(dir, ['@acme/app']);
    expect(result.installed.map((p) => `${p.location}@${p.version}`)).toEqual([
      'node_modules/@acme/app@1.0.0',
      'node_modules/@acme/util@0.1.0',
      'node_modules/@acme/util/node_modules/lib-b@2.0.0',
      'node_modules/lib-b@1.1.0',
    ]);
    writeFileSync(join(dir, 'main.js'), '');
    const app = createRequire(join(dir, 'main.js'))('@acme/app') as { deps: { version: string; deps: { version: string }[] }[] };
    expect(app.deps[0]!.version).toBe('1.1.0');
    expect(app.deps[1]!.deps[0]!.version).toBe('2.0.0');
    const lock = JSON.parse(readFileSync(join(dir, '.circle/pkg-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/lib-b']).toMatchObject({ version: '1.1.0', keyid: trusted[0]!.keyid });
    expect((await verifyInstalled({ ctx, projectDir: dir, registries: new RegistrySet(registry), signatures: 'require', trusted })).problems).toEqual([]);
    writeFileSync(join(dir, 'node_modules/lib-b/index.js'), 'module.exports = "evil"');
    const after = await verifyInstalled({ ctx, projectDir: dir, registries: new RegistrySet(registry), signatures: 'require', trusted });
    expect(after.ok).toBe(false);
    expect(after.problems).toMatchObject([{ problem: 'modified', name: 'lib-b' }]);
  });

  it('skips yanked versions unless the lockfile holds them, and warns about deprecated ones', async () => {
    const locked = project('locked');
    await install(locked, ['lib-b@^1.0.0']);
    await setYanked(ctx, registry, 'lib-b', '1.1.0', true);
    await deprecateVersions(ctx, registry, 'lib-b', '1.0.0', 'use 2.x');
    try {
      const fresh = project('fresh');
      const r = await install(fresh, ['lib-b@^1.0.0']);
      expect(r.installed[0]!.version).toBe('1.0.0');
      expect(r.warnings.join('\n')).toMatch(/lib-b@1.0.0 is deprecated: use 2.x/);
      const again = await install(locked, []);
      expect(again.installed[0]!.version).toBe('1.1.0');
      const frozen = await install(locked, [], { frozen: true });
      expect(frozen.installed[0]!.version).toBe('1.1.0');
      const v = await verifyInstalled({ ctx, projectDir: locked, registries: new RegistrySet(registry), signatures: 'require', trusted });
      expect(v.problems.map((p) => p.problem)).toEqual(['yanked']);
    } finally {
      await setYanked(ctx, registry, 'lib-b', '1.1.0', false);
      await deprecateVersions(ctx, registry, 'lib-b', '1.0.0', '');
    }
  });

  it('resolves dist-tags and prereleases as npm does', async () => {
    expect((await install(project('tag'), ['lib-b@next'])).installed[0]!.version).toBe('1.2.0-beta.1');
    expect((await install(project('pre'), ['lib-b@^1.2.0-beta.0'])).installed[0]!.version).toBe('1.2.0-beta.1');
    // ^1.1.5 does not take 1.2.0-beta.1 (npm's prerelease rule): nothing satisfies it.
    await expect(install(project('nopre'), ['lib-b@^1.1.5'])).rejects.toMatchObject({ exitCode: 4, message: expect.stringMatching(/No version of lib-b matches \^1.1.5/) });
  }, 30_000);

  it('moves dist-tags', async () => {
    expect((await setDistTag(ctx, registry, 'lib-b', 'stable', '1.0.0')).distTags.stable).toBe('1.0.0');
    expect((await setDistTag(ctx, registry, 'lib-b', 'stable', undefined)).distTags.stable).toBeUndefined();
  });

  describe('refuses before writing a single file (exit 5)', () => {
    const expectNothingWritten = (dir: string) => {
      expect(existsSync(join(dir, '.circle'))).toBe(false);
      const nm = join(dir, 'node_modules');
      expect(existsSync(nm) ? readdirSync(nm) : []).toEqual([]);
    };

    it('a tampered tarball', async () => {
      const key = tarballKey('@acme/util', '0.1.0');
      const original = await registry.tarballBytes(key);
      const evil = (await import('node:zlib')).gzipSync(Buffer.from('not the package'));
      await store.put(key, evil);
      try {
        const dir = project('tampered');
        await expect(install(dir, ['@acme/app'])).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/does not match its integrity/) });
        expectNothingWritten(dir);
      } finally {
        await store.put(key, original);
      }
    });

    it('a wrong signature', async () => {
      const { doc } = (await registry.packument('lib-b'))!;
      const saved = JSON.stringify(doc);
      const other = (await registry.packument('lib-b'))!.doc.versions['1.0.0']!.dist.signatures![0]!.sig;
      doc.versions['1.1.0']!.dist.signatures![0]!.sig = other;
      await store.put(packumentKey('lib-b'), Buffer.from(JSON.stringify(doc)));
      try {
        const dir = project('badsig');
        await expect(install(dir, ['lib-b@1.1.0'])).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/does not verify/) });
        expectNothingWritten(dir);
      } finally {
        await store.put(packumentKey('lib-b'), Buffer.from(saved));
      }
    });

    it('a node_modules folder that is a symlink out of the project', async () => {
      const dir = project('symlinked');
      const outside = join(work, 'outside');
      mkdirSync(join(outside, '@acme'), { recursive: true });
      mkdirSync(join(dir, 'node_modules'), { recursive: true });
      symlinkSync(join(outside, '@acme'), join(dir, 'node_modules', '@acme'));
      await expect(install(dir, ['@acme/util'])).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/symbolic link/) });
      expect(readdirSync(join(outside, '@acme'))).toEqual([]);
      expect(existsSync(join(dir, '.circle'))).toBe(false);
    });

    it('an untrusted key', async () => {
      const dir = project('untrusted');
      await expect(install(dir, ['lib-b'], { trusted: [] })).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/not a trusted key/) });
      expectNothingWritten(dir);
    });

    it('a key revoked before the version was published', async () => {
      const dir = project('revoked');
      const revokedEarly = trusted.map((k) => ({ ...k, revokedAt: '2000-01-01T00:00:00.000Z' }));
      await expect(install(dir, ['lib-b'], { trusted: revokedEarly })).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/revoked/) });
      expectNothingWritten(dir);
      // Revoked after publishing: older signatures still count.
      const revokedLater = trusted.map((k) => ({ ...k, revokedAt: '2999-01-01T00:00:00.000Z' }));
      expect((await install(project('revoked-later'), ['lib-b'], { trusted: revokedLater })).installed).toHaveLength(1);
    });
  });

  it('concurrent publishes of ten versions all land in the packument', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => publish(pkgDir('many', `1.0.${i}`))));
    const info = await packageInfo(registry, 'many');
    expect(info.versions).toHaveLength(10);
    expect(info.distTags.latest).toBe('1.0.9');
  });

  it('key revocation: a new key signs, the registry publishes the revocation, consumers reject later signatures', async () => {
    const other = await exportPublisherKey(ctx);
    expect(parsePublicKey(other.publicKeyPem).length).toBe(32);
    await expect(addTrustedKey(ctx, parsePublicKey(other.publicKeyPem))).rejects.toMatchObject({ exitCode: 6 });
    const revoked = await revokePublisherKey(ctx, other.keyid);
    expect(await publishRevocation(registry, other.keyid, revoked.revokedAt!)).toBe(true);
    await expect(publish(pkgDir('after-revoke', '1.0.0'))).rejects.toMatchObject({ exitCode: 4 });
    await createPublisherKey(ctx);
    await publish(pkgDir('after-revoke', '1.0.0'));
    trusted = await trustedKeys(ctx);
    // lib-b was signed before the revocation: still installs.
    expect((await install(project('post-revoke'), ['lib-b', 'after-revoke'])).installed).toHaveLength(2);
  });
});
