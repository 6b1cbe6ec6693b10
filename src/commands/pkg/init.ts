import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { PkgInitResult } from '../../core/pkg/types.js';

export default class PkgInit extends BaseCommand<typeof PkgInit> {
  static override summary = 'Write a package.json for a new package.';
  static override description = 'Writes a minimal npm package.json (name, version, description, main, files, license) in DIR. Refuses to overwrite an existing one. The name follows npm\'s rules; use a scope (@acme/name) for team packages.';
  static override examples = ['<%= config.bin %> pkg init --name @acme/util', '<%= config.bin %> pkg init ./packages/config --name @acme/config --version 1.0.0'];
  static override args = { dir: Args.string({ description: 'Package folder.', default: '.' }) };
  static override flags = {
    name: Flags.string({ description: 'Package name (default: the folder name).' }),
    version: Flags.string({ description: 'First version.', default: '0.1.0' }),
    description: Flags.string({ description: 'One-line description.' }),
    license: Flags.string({ description: 'SPDX licence id.', default: 'UNLICENSED' }),
  };

  async run(): Promise<PkgInitResult> {
    const { args, flags } = await this.parse(PkgInit);
    const path = await import('node:path');
    const { writeFile, mkdir } = await import('node:fs/promises');
    const { CircleError } = await import('../../core/errors.js');
    const { assertPackageName, assertVersion } = await import('../../core/pkg/manifest.js');
    const dir = path.resolve(args.dir);
    const name = flags.name ?? path.basename(dir).toLowerCase();
    assertPackageName(name);
    assertVersion(flags.version);
    const manifest = {
      name,
      version: flags.version,
      description: flags.description ?? '',
      main: 'index.js',
      files: ['index.js', 'lib'],
      license: flags.license,
    };
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'package.json');
    try {
      await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CircleError('ALREADY_EXISTS', `${file} already exists`, { hint: 'Nothing was changed.' });
      throw error;
    }
    if (!this.jsonEnabled()) this.log(file);
    return { file, name, version: flags.version };
  }
}
