import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import type { SecretsGetResult } from '../../core/secrets/types.js';

export default class SecretsGet extends BaseCommand<typeof SecretsGet> {
  static override summary = 'Print one secret value (and only it, so `$(circle secrets get NAME)` works).';
  static override description = 'In CI the key comes from CIRCLE_KEY_<ENV>, or from CIRCLE_TOKEN (a machine token added with `secrets recipients add --token`), with no prompt. Every read is audited.';
  static override examples = ['<%= config.bin %> secrets get DATABASE_URL', 'CIRCLE_KEY_PRODUCTION=… <%= config.bin %> secrets get API_TOKEN --env production', '<%= config.bin %> secrets get API_TOKEN --version 2'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true }) };
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    version: Flags.integer({ description: 'An older version from history.', min: 1 }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsGetResult> {
    const { args, flags } = await this.parse(SecretsGet);
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    const result = await backend.get(args.name, flags.version === undefined ? {} : { version: flags.version });
    if (!this.jsonEnabled()) this.writeOut(`${result.value}\n`);
    return result;
  }
}
