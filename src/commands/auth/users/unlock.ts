import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { AuthUsersUnlockResult } from '../../../core/auth/types.js';

export default class AuthUsersUnlock extends BaseCommand<typeof AuthUsersUnlock> {
  static override summary = 'Unlock a user (admin).';
  static override description = 'Unlocks a user locked by an admin or by repeated failed logins, and clears the failure counter.';
  static override examples = ['<%= config.bin %> auth users unlock bob'];
  static override args = { name: Args.string({ description: 'User name.', required: true }) };

  async run(): Promise<AuthUsersUnlockResult> {
    const { args } = await this.parse(AuthUsersUnlock);
    const { setUserLocked } = await import('../../../core/auth/users.js');
    const user = await setUserLocked(await (await this.circle()).unlock(), args.name, false);
    this.note(`${user.name} is unlocked.`);
    return user;
  }
}
