import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

/**
 * Issue 17: `circle-core/license` is a verifier apps embed, so its module graph
 * may reach only node: built-ins and a few small modules: no oclif, vault, zod,
 * CLI code, nor any npm package. The subpath is dist/license.js, an esbuild bundle
 * of the tsc output dist/core/license/index.js (scripts/bundle-license.mjs): the
 * tsc graph is walked file by file, and the bundle may import node: built-ins only.
 */
const ALLOWED_BUILTINS = new Set(['node:crypto', 'node:fs', 'node:os', 'node:path']);
const ALLOWED_FILE = /^dist\/core\/(license\/[a-z-]+\.js|crypto\/(ed25519|okp|gcm)\.js|errors\.js)$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function walk(entry: string): { files: string[]; external: string[] } {
  const seen = new Set<string>();
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // Comments go first: a doc comment quoting `import … from 'circle-core/license'` is not an import.
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const match of source.matchAll(SPECIFIER)) {
      const spec = match[1]!;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else external.add(spec);
    }
  }
  return { files: [...seen].map((f) => relative(repoRoot, f)).sort(), external: [...external].sort() };
}

describe('the circle-core/license module graph', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, { import: string; types: string }> };
  const entry = join(repoRoot, 'dist/core/license/index.js');
  const bundle = join(repoRoot, pkg.exports['./license']!.import);

  it('is exported as a subpath with types', () => {
    expect(pkg.exports['./license']).toEqual({ types: './dist/core/license/index.d.ts', import: './dist/license.js' });
    expect(existsSync(entry) && existsSync(bundle), 'run `npm run build` first').toBe(true);
  });

  it('the bundle imports node:crypto/fs/os/path only, and verifies a license', async () => {
    const { files, external } = walk(bundle);
    expect(files).toEqual(['dist/license.js']);
    for (const spec of external) expect(ALLOWED_BUILTINS, `imports ${spec}`).toContain(spec);
    const { generateEd25519KeyPair } = await import('../../../src/core/crypto/ed25519.js');
    const { signLicense } = await import('../../../src/core/license/index.js');
    const issuer = generateEd25519KeyPair();
    const { text } = signLicense({ licensee: 'Acme', product: 'Rocket', entitlements: ['pro'] }, issuer.seed);
    const built = (await import(bundle)) as typeof import('../../../src/core/license/index.js');
    expect(built.verifyLicense(text, { publicKey: issuer.publicKey.toString('base64') })).toMatchObject({ valid: true, entitlements: ['pro'] });
    const mutant = `${text.slice(0, 100)}${text[100] === 'x' ? 'y' : 'x'}${text.slice(101)}`;
    expect(built.verifyLicense(mutant, { publicKey: issuer.publicKey }).valid).toBe(false);
  });

  it('imports only node:crypto/fs/os/path and the license, ed25519 and errors modules', () => {
    const { files, external } = walk(entry);
    expect(files).toContain('dist/core/license/verify.js');
    for (const spec of external) expect(ALLOWED_BUILTINS, `imports ${spec}`).toContain(spec);
    for (const file of files) expect(file, `reaches ${file}`).toMatch(ALLOWED_FILE);
    // The issuer side (vault, zod) is reachable from the CLI only.
    expect(files).not.toContain('dist/core/license/issuer.js');
  });

  it('the walker notices a forbidden import (it can fail)', () => {
    const { external, files } = walk(join(repoRoot, 'dist/core/license/issuer.js'));
    expect(external).toContain('zod');
    expect(files.some((f) => f.startsWith('dist/core/vault/'))).toBe(true);
  });
});
