import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { envFlag } from '../../../cli/flags.js';
import type { RecipientChangeResult } from '../../../core/secrets/project-store.js';

export type SecretsRecipientsAddResult = RecipientChangeResult;

export default class SecretsRecipientsAdd extends BaseCommand<typeof SecretsRecipientsAdd> {
  static override summary = "Give a team member's key access to an environment's secrets.";
  static override description = 'The file key is wrapped to the new X25519 public key and every value is re-sealed so it binds the new recipient list. You must be a recipient already.';
  static override examples = ['<%= config.bin %> secrets recipients add bob age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg --env production'];
  static override args = {
    label: Args.string({ description: 'A name for the recipient (user name or purpose).', required: true, ignoreStdin: true }),
    key: Args.string({ description: 'Their age1… public key.', required: true, ignoreStdin: true }),
  };
  static override flags = {
    env: envFlag,
    identity: Flags.string({ char: 'i', multiple: true, multipleNonGreedy: true, description: 'Age identity file (AGE-SECRET-KEY-1…) that is a recipient.' }),
  };

  async run(): Promise<SecretsRecipientsAddResult> {
    const { args, flags } = await this.parse(SecretsRecipientsAdd);
    const { lazyAuditSink, unlockVault } = await import('../../../cli/unlock.js');
    const { openProjectScope, addProjectRecipient } = await import('../../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const { scope } = await openProjectScope({ projectRoot: cfg.projectRoot, env: cfg.environment, identityFiles: flags.identity, audit: lazyAuditSink(home), unlock: () => unlockVault(home) });
    const result = await addProjectRecipient(scope, args.label, args.key.trim());
    this.note(`Added ${result.label} to ${result.env} (${result.recipients} recipients); commit .circle/secrets/${result.env}.json`);
    return result;
  }
}
