import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgChangeResult } from '../../core/pkg/types.js';

export default class PkgUnyank extends BaseCommand<typeof PkgUnyank> {
  static override summary = 'Undo a yank (maintainer).';
  static override description = 'Makes a yanked version resolvable again.';
  static override examples = ['<%= config.bin %> pkg unyank @acme/util@1.4.2'];
  static override args = { spec: Args.string({ description: 'NAME@VERSION.', required: true }) };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgChangeResult> {
    const { args, flags } = await this.parse(PkgUnyank);
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { openRegistryFor, splitNameVersion } = await import('../../cli/pkg.js');
    const { setYanked } = await import('../../core/pkg/admin.js');
    const { name, version } = await splitNameVersion(args.spec);
    const result = await setYanked(ctx, await openRegistryFor(home, await this.settings(), flags.registry, name), name, version, false);
    if (!this.jsonEnabled()) this.log(`${false ? 'Yanked' : 'Unyanked'} ${name}@${version}`);
    return result;
  }
}
