import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgChangeResult } from '../../core/pkg/types.js';

export default class PkgDeprecate extends BaseCommand<typeof PkgDeprecate> {
  static override summary = 'Deprecate the versions that match a range (maintainer).';
  static override description = 'Sets a deprecation message on every version of NAME matching RANGE, like `npm deprecate`; installs of those versions warn. An empty MESSAGE removes the deprecation.';
  static override examples = ['<%= config.bin %> pkg deprecate @acme/util@"<2" "use 2.x: 1.x has a data-loss bug"', '<%= config.bin %> pkg deprecate @acme/util@1.0.0 ""'];
  static override args = {
    spec: Args.string({ description: 'NAME@RANGE.', required: true }),
    message: Args.string({ description: 'Why, and what to use instead ("" to un-deprecate).', required: true }),
  };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgChangeResult> {
    const { args, flags } = await this.parse(PkgDeprecate);
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { openRegistryFor, splitNameVersion } = await import('../../cli/pkg.js');
    const { deprecateVersions } = await import('../../core/pkg/admin.js');
    const { name, version: range } = await splitNameVersion(args.spec);
    const result = await deprecateVersions(ctx, await openRegistryFor(home, await this.settings(), flags.registry, name), name, range, args.message);
    if (!this.jsonEnabled()) this.log(`${result.action === 'deprecate' ? 'Deprecated' : 'Un-deprecated'} ${name}@${result.versions.join(', ')}`);
    return result;
  }
}
