import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { registryFlag } from '../../../cli/pkg.js';
import type { PkgDistTagResult } from '../../../core/pkg/types.js';

export default class PkgDistTagLs extends BaseCommand<typeof PkgDistTagLs> {
  static override summary = 'List a package\'s dist-tags.';
  static override description = 'Prints each dist-tag of NAME and the version it points at. Needs no login.';
  static override examples = ['<%= config.bin %> pkg dist-tag ls @acme/util'];
  static override args = { name: Args.string({ description: 'Package name.', required: true }) };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgDistTagResult> {
    const { args, flags } = await this.parse(PkgDistTagLs);
    const home = (await this.home()).dir;
    const { openRegistryFor } = await import('../../../cli/pkg.js');
    const { distTags } = await import('../../../core/pkg/admin.js');
    const result = await distTags(await openRegistryFor(home, await this.settings(), flags.registry, args.name), args.name);
    if (!this.jsonEnabled()) for (const [t, v] of Object.entries(result.distTags)) this.log(`${t}: ${v}`);
    return result;
  }
}
