import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { envFlag, identityFlag } from '../../../cli/flags.js';
import { CircleError } from '../../../core/errors.js';
import type { RecipientChangeResult } from '../../../core/secrets/project-store.js';
import type { SecretsRecipientsAddResult } from '../../../core/secrets/types.js';

export default class SecretsRecipientsAdd extends BaseCommand<typeof SecretsRecipientsAdd> {
  static override summary = "Give a team member's key, or a machine token, access to an environment's secrets.";
  static override description =
    "The file key is wrapped to the new X25519 public key and every value is re-sealed so it binds the new recipient list. You must be a recipient already. With --token NAME (admin) the recipient is the machine token's own X25519 key from the vault: CI that runs with CIRCLE_TOKEN (and a copy of the vault in CIRCLE_HOME) then reads the project secrets with no other key.";
  static override examples = [
    '<%= config.bin %> secrets recipients add bob age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg --env production',
    '<%= config.bin %> secrets recipients add --token gha --env production',
  ];
  static override args = {
    label: Args.string({ description: 'A name for the recipient (user name or purpose); with --token, defaults to the token name.', required: false }),
    key: Args.string({ description: 'Their age1… public key (not with --token).', required: false }),
  };
  static override flags = {
    env: envFlag,
    token: Flags.string({ description: 'Add this machine token (name or id) as a recipient, with its key from the vault (admin).' }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsRecipientsAddResult> {
    const { args, flags } = await this.parse(SecretsRecipientsAdd);
    if (flags.token === undefined && (args.label === undefined || args.key === undefined)) {
      throw new CircleError('USAGE', 'Give a label and an age1… key, or --token NAME', { hint: 'circle secrets recipients add bob age1… | circle secrets recipients add --token gha' });
    }
    if (flags.token !== undefined && args.key !== undefined) throw new CircleError('USAGE', 'Give either an age1… key or --token, not both');
    const { openProjectScope, addProjectRecipient, machineTokenRecipient } = await import('../../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const circle = await this.circle();
    // One unlock (the Circle keeps it) serves both the project key (when no identity is given) and the token lookup.
    const unlock = () => circle.unlock();
    const { scope } = await openProjectScope({ projectRoot: cfg.projectRoot, env: cfg.environment, identityFiles: flags.identity, audit: circle.audit, unlock });
    let result: RecipientChangeResult;
    let recipient: string;
    let tokenId: string | undefined;
    if (flags.token !== undefined) {
      const token = await machineTokenRecipient(await unlock(), flags.token);
      recipient = token.recipient;
      tokenId = token.id;
      result = await addProjectRecipient(scope, args.label ?? token.name, recipient, 'ci');
    } else {
      recipient = args.key!.trim();
      result = await addProjectRecipient(scope, args.label!, recipient);
    }
    this.note(`Added ${result.label} to ${result.env} (${result.recipients} recipients); commit .circle/secrets/${result.env}.json`);
    return { ...result, recipient, ...(tokenId ? { tokenId } : {}) };
  }
}
