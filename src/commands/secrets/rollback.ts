import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import type { SecretsRollbackResult } from '../../core/secrets/types.js';

export default class SecretsRollback extends BaseCommand<typeof SecretsRollback> {
  static override summary = 'Make an older version current again (as a new version).';
  static override examples = ['<%= config.bin %> secrets rollback API_TOKEN --to 2'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true }) };
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    to: Flags.integer({ description: 'Version to restore.', required: true, min: 1 }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsRollbackResult> {
    const { args, flags } = await this.parse(SecretsRollback);
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    const result = await backend.rollback(args.name, flags.to);
    this.note(`${args.name} is now version ${result.version} (the value of version ${flags.to})`);
    return { ...result, restoredFrom: flags.to };
  }
}
