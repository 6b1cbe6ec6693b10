import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import type { SecretsHistoryResult } from '../../core/secrets/types.js';

export default class SecretsHistory extends BaseCommand<typeof SecretsHistory> {
  static override summary = 'Show the kept versions of a secret (never the values).';
  static override examples = ['<%= config.bin %> secrets history API_TOKEN'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true }) };
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    identity: identityFlag,
  };

  async run(): Promise<SecretsHistoryResult> {
    const { args, flags } = await this.parse(SecretsHistory);
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    const versions = await backend.history(args.name);
    if (!this.jsonEnabled()) for (const v of versions) this.log(`v${v.version}\t${v.at}\t${v.by}${v.current ? '\t(current)' : ''}`);
    return { name: args.name, env: backend.env, versions };
  }
}
