import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { envFlag, identityFlag } from '../../../cli/flags.js';
import type { SecretsRecipientsRemoveResult } from '../../../core/secrets/types.js';

export default class SecretsRecipientsRemove extends BaseCommand<typeof SecretsRecipientsRemove> {
  static override summary = "Revoke a recipient's access: draws a new file key and re-encrypts everything.";
  static override description =
    'The removed key cannot open the new file. It could read the values it already had access to (and older commits), so rotate the secrets that matter afterwards.';
  static override examples = ['<%= config.bin %> secrets recipients remove bob --env production'];
  static override args = { label: Args.string({ description: 'Recipient label.', required: true }) };
  static override flags = {
    env: envFlag,
    identity: identityFlag,
  };

  async run(): Promise<SecretsRecipientsRemoveResult> {
    const { args, flags } = await this.parse(SecretsRecipientsRemove);
    const { openProjectScope, removeProjectRecipient } = await import('../../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const circle = await this.circle();
    const { scope } = await openProjectScope({ projectRoot: cfg.projectRoot, env: cfg.environment, identityFiles: flags.identity, audit: circle.audit, unlock: () => circle.unlock() });
    const result = await removeProjectRecipient(scope, args.label);
    this.note(`Removed ${result.label} from ${result.env} and re-keyed; rotate any secret they should no longer know`);
    return result;
  }
}
