import { describe, expect, it } from 'vitest';
import { parseLockfile } from '../../../../src/core/scan/deps/parsers/index.js';
import { parseRequirementLine } from '../../../../src/core/scan/deps/parsers/requirements.js';
import type { LockfileKind } from '../../../../src/core/scan/deps/types.js';

describe('malformed lockfiles name file and line', () => {
  const cases: [LockfileKind, string, RegExp][] = [
    ['package-lock', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "x": ,\n  }\n}\n', /^Malformed lockfile f:4: not valid JSON/],
    ['pnpm-lock', "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: [\n", /^Malformed lockfile f:\d+: not valid YAML/],
    ['cargo-lock', 'version = 3\n\n[[package]]\nname = "a\n', /^Malformed lockfile f:4: not valid TOML/],
    ['go-mod', 'module x\n\ngo 1.21\nfrobnicate y\n', /^Malformed lockfile f:4: unknown directive "frobnicate"/],
    ['composer-lock', '[1, 2', /^Malformed lockfile f(:\d+)?: not valid JSON/],
  ];
  it.each(cases)('%s', async (kind, text, message) => {
    await expect(parseLockfile(kind, { file: 'f', text })).rejects.toThrow(message);
    await expect(parseLockfile(kind, { file: 'f', text })).rejects.toMatchObject({ code: 'USAGE', exitCode: 2 });
  });
});

describe('dependency paths and direct/dev', () => {
  it('yarn v1 uses package.json for direct and dev, and records the chain', async () => {
    const text = '# yarn lockfile v1\n\na@^1.0.0:\n  version "1.0.0"\n  dependencies:\n    b "^2.0.0"\n\nb@^2.0.0:\n  version "2.1.0"\n\nc@^3.0.0:\n  version "3.0.0"\n';
    const manifest = JSON.stringify({ dependencies: { a: '^1.0.0' }, devDependencies: { c: '^3.0.0' } });
    const { packages } = await parseLockfile('yarn-lock', { file: 'yarn.lock', text, manifest });
    expect(packages).toEqual([
      { ecosystem: 'npm', name: 'a', version: '1.0.0', direct: true, dev: false, line: 3 },
      { ecosystem: 'npm', name: 'b', version: '2.1.0', direct: false, dev: false, line: 8, path: ['a'] },
      { ecosystem: 'npm', name: 'c', version: '3.0.0', direct: true, dev: true, line: 11 },
    ]);
  });

  it('pnpm v9 derives dev-only packages from importers', async () => {
    const text = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      a:',
      '        specifier: ^1.0.0',
      '        version: 1.0.0',
      '    devDependencies:',
      '      t:',
      '        specifier: ^1.0.0',
      '        version: 1.0.0',
      'packages:',
      '  a@1.0.0:',
      '    resolution: {integrity: sha512-x}',
      '  b@2.0.0:',
      '    resolution: {integrity: sha512-x}',
      '  t@1.0.0:',
      '    resolution: {integrity: sha512-x}',
      'snapshots:',
      '  a@1.0.0:',
      '    dependencies:',
      '      b: 2.0.0',
      '  b@2.0.0: {}',
      '  t@1.0.0:',
      '    dependencies:',
      '      b: 2.0.0',
      '',
    ].join('\n');
    const { packages } = await parseLockfile('pnpm-lock', { file: 'pnpm-lock.yaml', text });
    expect(packages.map((p) => [p.name, p.direct, p.dev, p.line, p.path ?? null])).toEqual([
      ['a', true, false, 13, null],
      ['b', false, false, 15, ['a']],
      ['t', true, true, 17, null],
    ]);
  });

  it('go.mod marks // indirect as transitive and applies replace', async () => {
    const text = 'module m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/net v0.1.0\n\tgithub.com/a/b v1.2.3 // indirect\n)\n\nreplace golang.org/x/net => golang.org/x/net v0.2.0\n';
    const { packages } = await parseLockfile('go-mod', { file: 'go.mod', text });
    expect(packages.map((p) => `${p.name}@${p.version} ${p.direct} ${p.line}`)).toEqual(['golang.org/x/net@v0.2.0 true 6', 'github.com/a/b@v1.2.3 false 7', 'stdlib@1.22 true 3']);
  });
});

describe('requirements lines', () => {
  it.each([
    ['django==3.2.0', 'django', '3.2.0'],
    ['Django[argon2] == 3.2 ; python_version > "3"', 'Django', '3.2'],
    ['requests>=2,<3', 'requests', ''],
    ['flask!=1.0', 'flask', ''],
    ['numpy', 'numpy', ''],
  ])('%s', (line, name, version) => {
    expect(parseRequirementLine(line)).toEqual({ name, version });
  });
  it.each(['./local/pkg', 'https://example.com/x.whl', 'pkg @ https://example.com/x.zip', 'x==${VERSION}'])('skips %s', (line) => {
    expect(parseRequirementLine(line)).toBeUndefined();
  });
});
