import { BaseCommand } from '../../../cli/base-command.js';
import type { SecretsRecipientsWhoamiResult } from '../../../core/secrets/types.js';

export default class SecretsRecipientsWhoami extends BaseCommand<typeof SecretsRecipientsWhoami> {
  static override summary = 'Print your own age1… recipient, to send to a teammate who can add you.';
  static override description =
    'Prints the public half of your vault X25519 key as an age recipient. It is public: send it to a member who is already a recipient, who runs `circle secrets recipients add YOUR_NAME age1… --env ENV`.';
  static override examples = ['<%= config.bin %> secrets recipients whoami', '<%= config.bin %> secrets recipients whoami --json'];

  async run(): Promise<SecretsRecipientsWhoamiResult> {
    await this.parse(SecretsRecipientsWhoami);
    const { ownRecipient } = await import('../../../core/secrets/own-recipient.js');
    const result = await ownRecipient(await (await this.circle()).unlock());
    this.log(result.recipient);
    this.note(`Send it to a teammate who is a recipient: circle secrets recipients add ${result.actor.id} ${result.recipient} --env ENV`);
    return result;
  }
}
