import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempHome } from '../helpers/cli.js';

/** Loads a bundle through bin/load-cli.js in a fresh node and reports what happened. */
function loadIn(root: string): { usedCodeCache: boolean; commands: string[] } {
  const probe =
    "const { compileCli } = await import(process.argv[1]); const r = compileCli({ useCache: true });" +
    'console.log(JSON.stringify({ usedCodeCache: r.usedCodeCache, commands: Object.keys(r.exports.COMMANDS) }));';
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe, join(root, 'bin', 'load-cli.js')], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { usedCodeCache: boolean; commands: string[] };
}

describe('the command bundle (dist/cli.cjs)', () => {
  const t = tempHome();
  const copies = mkdtempSync(join(tmpdir(), 'circle-bundle-test-'));
  afterAll(() => {
    t.cleanup();
    rmSync(copies, { recursive: true, force: true });
  });

  it('holds every command of the manifest and loads with the code cache the build made', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
    const loaded = loadIn(repoRoot);
    expect(loaded.usedCodeCache).toBe(true);
    expect(loaded.commands.sort()).toEqual(Object.keys(manifest.commands).sort());
  });

  it('ignores a code cache made from other bundle bytes, even of the same length', () => {
    const copy = join(copies, 'stale');
    mkdirSync(join(copy, 'dist'), { recursive: true });
    cpSync(join(repoRoot, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(repoRoot, 'dist', 'cli.cjs.cache'), join(copy, 'dist', 'cli.cjs.cache'));
    // V8 accepts any cache whose source has the same length; the SHA-256 prefix must not.
    const source = readFileSync(join(repoRoot, 'dist', 'cli.cjs'), 'latin1');
    const edited = source.replaceAll('__bundleUrl', '__bundleURL');
    expect(edited.length).toBe(source.length);
    expect(edited).not.toBe(source);
    writeFileSync(join(copy, 'dist', 'cli.cjs'), edited, 'latin1');
    expect(loadIn(copy).usedCodeCache).toBe(false);
  });

  it('runs code from the cache that imports packages kept outside the bundle', async () => {
    // plugin-help's `help` command is an ES module that oclif loads with import().
    const help = await runCli(['help', 'config'], { home: t.home });
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Read and write layered configuration.');
    // argon2 (native, external) is imported on first use by `init`.
    const init = await runCli(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], {
      home: t.home,
      input: 'correct horse battery staple 1\n',
    });
    expect(init.stderr).toContain('Created the vault');
    expect(init.code).toBe(0);
  });
});
