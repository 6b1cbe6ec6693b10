import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { registryFlag } from '../../../cli/pkg.js';
import type { PkgDistTagResult } from '../../../core/pkg/types.js';

export default class PkgDistTagRm extends BaseCommand<typeof PkgDistTagRm> {
  static override summary = 'Remove a dist-tag (maintainer).';
  static override description = 'Removes TAG from NAME, like `npm dist-tag rm`. `latest` cannot be removed.';
  static override examples = ['<%= config.bin %> pkg dist-tag rm @acme/util next'];
  static override args = {
    name: Args.string({ description: 'Package name.', required: true }),
    tag: Args.string({ description: 'Tag name.', required: true }),
  };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgDistTagResult> {
    const { args, flags } = await this.parse(PkgDistTagRm);
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { openRegistryFor } = await import('../../../cli/pkg.js');
    const { setDistTag } = await import('../../../core/pkg/admin.js');
    const result = await setDistTag(ctx, await openRegistryFor(home, await this.settings(), flags.registry, args.name), args.name, args.tag, undefined);
    if (!this.jsonEnabled()) this.log(`Removed ${args.name} ${args.tag}`);
    return result;
  }
}
