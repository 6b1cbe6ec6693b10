import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgChangeResult } from '../../core/pkg/types.js';

export default class PkgYank extends BaseCommand<typeof PkgYank> {
  static override summary = 'Yank a version: new resolutions skip it (maintainer).';
  static override description = "Cargo's yank: installs that resolve afresh skip VERSION, but a lockfile that already holds it keeps installing it, and the tarball stays downloadable. Undo with `circle pkg unyank`.";
  static override examples = ['<%= config.bin %> pkg yank @acme/util@1.4.2'];
  static override args = { spec: Args.string({ description: 'NAME@VERSION.', required: true }) };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgChangeResult> {
    const { args, flags } = await this.parse(PkgYank);
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { openRegistryFor, splitNameVersion } = await import('../../cli/pkg.js');
    const { setYanked } = await import('../../core/pkg/admin.js');
    const { name, version } = await splitNameVersion(args.spec);
    const result = await setYanked(ctx, await openRegistryFor(home, await this.settings(), flags.registry, name), name, version, true);
    if (!this.jsonEnabled()) this.log(`${true ? 'Yanked' : 'Unyanked'} ${name}@${version}`);
    return result;
  }
}
