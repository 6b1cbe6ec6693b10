import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgInfoResult } from '../../core/pkg/types.js';

export type { PkgInfoResult };

export default class PkgInfo extends BaseCommand<typeof PkgInfo> {
  static override summary = 'Show a package\'s versions, dist-tags and signatures.';
  static override description = 'Reads the package\'s packument from the registry: every version with its publish time, signing key ids, deprecation and yank state, the dist-tags, and the latest version\'s dependencies and integrity. Needs no login.';
  static override examples = ['<%= config.bin %> pkg info @acme/util', '<%= config.bin %> pkg info @acme/util --json'];
  static override args = { name: Args.string({ description: 'Package name.', required: true }) };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgInfoResult> {
    const { args, flags } = await this.parse(PkgInfo);
    const home = (await this.home()).dir;
    const { openRegistryFor } = await import('../../cli/pkg.js');
    const { packageInfo } = await import('../../core/pkg/admin.js');
    const result = await packageInfo(await openRegistryFor(home, await this.settings(), flags.registry, args.name), args.name);
    if (!this.jsonEnabled()) {
      this.log(`${result.name}${result.description ? `: ${result.description}` : ''}`);
      this.log(`dist-tags: ${Object.entries(result.distTags).map(([t, v]) => `${t}=${v}`).join(' ')}`);
      for (const v of result.versions) {
        const flagsText = [v.yanked ? 'yanked' : '', v.deprecated ? `deprecated: ${v.deprecated}` : '', v.signed ? `signed ${v.keyids.join(',')}` : 'UNSIGNED'].filter(Boolean).join('  ');
        this.log(`  ${v.version.padEnd(16)} ${v.published ?? ''}  ${flagsText}`);
      }
    }
    return result;
  }
}
