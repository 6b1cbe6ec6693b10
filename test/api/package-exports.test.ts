/**
 * The package as a dependency sees it: a temp project with circle-core linked into its
 * node_modules imports the root and every subpath through package.json `exports`, in Node
 * and in TypeScript (NodeNext resolution, the `types` condition), and `npm pack` ships
 * every file those exports point at.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types: string; import: string }>; sideEffects?: boolean };
const subpaths = Object.keys(pkg.exports).filter((p) => p !== './package.json');
const specifier = (subpath: string) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);

/** One name each entry point must export (a value, so the import is really evaluated). */
const expected: Record<string, string> = {
  '.': 'CircleError',
  './secrets': 'parseDotenv',
  './audit': 'verifyAuditLog',
  './age': 'encryptBuffer',
  './scan': 'scanDependencies',
  './vault': 'initVault',
  './auth': 'ROLE_PERMISSIONS',
  './config': 'resolveConfig',
};

const t = tempDir('circle-consumer-');
beforeAll(() => {
  mkdirSync(join(t.dir, 'node_modules'));
  symlinkSync(repoRoot, join(t.dir, 'node_modules', pkg.name), 'dir');
  writeFileSync(join(t.dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', dependencies: { [pkg.name]: '*' } }));
});
afterAll(() => t.cleanup());

describe('circle-core as a dependency', () => {
  it('declares every topic subpath, and no side effects', () => {
    expect(subpaths).toEqual(expect.arrayContaining(Object.keys(expected)));
    expect(pkg.sideEffects).toBe(false);
  });

  it('imports the root and every subpath from a project that depends on it', async () => {
    const script = `
      const out = {};
      for (const spec of ${JSON.stringify(subpaths.map(specifier))}) out[spec] = Object.keys(await import(spec)).sort();
      console.log(JSON.stringify(out));`;
    writeFileSync(join(t.dir, 'check.mjs'), script);
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: t.dir });
    const loaded = JSON.parse(stdout) as Record<string, string[]>;
    for (const [subpath, name] of Object.entries(expected)) expect(loaded[specifier(subpath)], subpath).toContain(name);
    // The root is a small facade, not the whole library.
    expect(loaded[pkg.name]!.length).toBeLessThan(10);
  });

  it('an internal module is not reachable: only the declared subpaths are', async () => {
    writeFileSync(join(t.dir, 'internal.mjs'), `await import('${pkg.name}/dist/core/vault/system-secrets.js');`);
    const failed = await run(process.execPath, ['internal.mjs'], { cwd: t.dir }).then(() => undefined, (error: Error) => error);
    expect(String(failed)).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it('type-checks against every subpath with NodeNext resolution', () => {
    const lines = Object.entries(expected).map(([subpath, name], i) => `import { ${name} as v${i} } from '${specifier(subpath)}';\nvoid v${i};`);
    lines.push(`import type { SecretsListResult } from '${pkg.name}/secrets';`, `export const empty: SecretsListResult = { env: 'dev', secrets: [] };`);
    lines.push(`import type { SecretsListResult as RootListResult } from '${pkg.name}';`, `export const same: RootListResult = empty;`);
    const file = join(t.dir, 'consumer.ts');
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 120_000);

  it('runs the README library example as written', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const example = /## Library\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(t.dir, 'readme-example.mjs'), example!);
    const { stdout } = await run(process.execPath, ['readme-example.mjs'], { cwd: t.dir });
    expect(stdout).toBe('postgres://app@db/app\nDECRYPT_FAILED 5\n');
  });

  it('npm pack ships every file the exports point at', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    const files = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const target of Object.values(pkg.exports)) {
      for (const path of typeof target === 'string' ? [target] : [target.types, target.import]) expect(files, path).toContain(path.replace(/^\.\//, ''));
    }
  }, 120_000);
});
