import { BaseCommand } from '../../../cli/base-command.js';
import { envFlag, identityFlag } from '../../../cli/flags.js';
import type { SecretsRecipientsListResult } from '../../../core/secrets/types.js';

export default class SecretsRecipientsList extends BaseCommand<typeof SecretsRecipientsList> {
  static override summary = 'List who can read an environment (the list is verified, so a hand edit fails with exit 5).';
  static override examples = ['<%= config.bin %> secrets recipients list --env production'];
  static override flags = {
    env: envFlag,
    identity: identityFlag,
  };

  async run(): Promise<SecretsRecipientsListResult> {
    const { flags } = await this.parse(SecretsRecipientsList);
    const { openProjectScope, listProjectRecipients } = await import('../../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const circle = await this.circle();
    const { scope } = await openProjectScope({ projectRoot: cfg.projectRoot, env: cfg.environment, identityFiles: flags.identity, audit: circle.audit, unlock: () => circle.unlock() });
    const recipients = await listProjectRecipients(scope);
    if (!this.jsonEnabled() && recipients.length === 0) this.note(`No recipients in ${scope.env}.`);
    if (!this.jsonEnabled()) for (const r of recipients) this.log(`${r.label}\t${r.kind}\t${r.key}\t${r.added}`);
    return { env: scope.env, recipients };
  }
}
