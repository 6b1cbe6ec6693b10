import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgSearchResult } from '../../core/pkg/types.js';

export type { PkgSearchResult };

export default class PkgSearch extends BaseCommand<typeof PkgSearch> {
  static override summary = 'Search the registry by name, keywords and description.';
  static override description = 'Every word of QUERY must appear in the package name, a keyword or the description (case-insensitive). Reads the registry\'s search index; needs no login.';
  static override examples = ['<%= config.bin %> pkg search config', '<%= config.bin %> pkg search "eslint preset" --json'];
  static override args = { query: Args.string({ description: 'Words to look for.', required: true }) };
  static override flags = { registry: registryFlag };

  async run(): Promise<PkgSearchResult> {
    const { args, flags } = await this.parse(PkgSearch);
    const home = (await this.home()).dir;
    const { openRegistries } = await import('../../cli/pkg.js');
    const { searchPackages } = await import('../../core/pkg/admin.js');
    const result = await searchPackages((await openRegistries(home, await this.settings(), flags.registry)).defaultRegistry, args.query);
    if (!this.jsonEnabled()) {
      for (const r of result.results) this.log(`${r.name}@${r.version}${r.description ? `  ${r.description}` : ''}`);
      if (result.results.length === 0) this.note('No packages found.');
    }
    return result;
  }
}
