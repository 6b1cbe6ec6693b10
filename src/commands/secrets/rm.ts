import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import type { SecretsRmResult } from '../../core/secrets/types.js';

export default class SecretsRm extends BaseCommand<typeof SecretsRm> {
  static override summary = 'Remove a secret and its history from the environment.';
  static override examples = ['<%= config.bin %> secrets rm OLD_TOKEN --env staging'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true }) };
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    identity: identityFlag,
  };

  async run(): Promise<SecretsRmResult> {
    const { args, flags } = await this.parse(SecretsRm);
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    const result = await backend.remove(args.name);
    this.note(`Removed ${result.name} from ${result.env}`);
    return result;
  }
}
