import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { PkgPackResult } from '../../core/pkg/types.js';

export type { PkgPackResult };

export default class PkgPack extends BaseCommand<typeof PkgPack> {
  static override summary = 'Make a deterministic npm tarball of a package folder.';
  static override description =
    'Packs the same files as `npm pack` (package.json `files`, .npmignore/.gitignore, always README/LICENSE/main/bin; never .git, node_modules, lockfiles, .npmrc) into `<name>-<version>.tgz` with a `package/` prefix, fixed mtimes and no owner, byte for byte what npm makes. Prints the file name and its sha512 integrity.';
  static override examples = ['<%= config.bin %> pkg pack', '<%= config.bin %> pkg pack ./packages/util --pack-destination dist', '<%= config.bin %> pkg pack --dry-run --json'];
  static override args = { dir: Args.string({ description: 'Package folder.', default: '.' }) };
  static override flags = {
    'dry-run': Flags.boolean({ description: 'List what would be packed; write nothing.' }),
    'pack-destination': Flags.string({ description: 'Folder to write the tarball to.', default: '.' }),
  };

  async run(): Promise<PkgPackResult> {
    const { args, flags } = await this.parse(PkgPack);
    const { packDirectory, writeTarball } = await import('../../core/pkg/pack.js');
    const packed = await packDirectory(args.dir);
    const file = flags['dry-run'] ? undefined : await writeTarball(packed, flags['pack-destination']);
    const result: PkgPackResult = {
      name: packed.manifest.name,
      version: packed.manifest.version,
      filename: packed.filename,
      ...(file ? { file } : {}),
      integrity: packed.integrity,
      shasum: packed.shasum,
      size: packed.tarball.length,
      unpackedSize: packed.unpackedSize,
      entryCount: packed.files.length,
      files: packed.files,
    };
    if (!this.jsonEnabled()) {
      for (const f of packed.files) this.note(`${String(f.size).padStart(9)}  ${f.path}`);
      this.note(`${packed.files.length} files, ${packed.unpackedSize} bytes unpacked, ${packed.tarball.length} bytes packed${file ? '' : ' (dry run)'}`);
      this.note(`integrity: ${packed.integrity}`);
      this.log(packed.filename);
    }
    return result;
  }
}
