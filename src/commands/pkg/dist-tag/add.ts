import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { registryFlag } from '../../../cli/pkg.js';
import type { PkgDistTagResult } from '../../../core/pkg/types.js';

export default class PkgDistTagAdd extends BaseCommand<typeof PkgDistTagAdd> {
  static override summary = 'Point a dist-tag at a version (maintainer).';
  static override description = 'Sets TAG of NAME to VERSION (NAME@VERSION), like `npm dist-tag add`.';
  static override examples = ['<%= config.bin %> pkg dist-tag add @acme/util@2.0.0-rc.1 next'];
  static override args = {
    spec: Args.string({ description: 'NAME@VERSION.', required: true }),
    tag: Args.string({ description: 'Tag name.', required: true }),
  };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgDistTagResult> {
    const { args, flags } = await this.parse(PkgDistTagAdd);
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { openRegistryFor, splitNameVersion } = await import('../../../cli/pkg.js');
    const { setDistTag } = await import('../../../core/pkg/admin.js');
    const { name, version } = await splitNameVersion(args.spec);
    const result = await setDistTag(ctx, await openRegistryFor(home, await this.settings(), flags.registry, name), name, args.tag, version);
    if (!this.jsonEnabled()) this.log(`${name} ${args.tag}: ${version}`);
    return result;
  }
}
