import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { AuthUsersLockResult } from '../../../core/auth/types.js';

export default class AuthUsersLock extends BaseCommand<typeof AuthUsersLock> {
  static override summary = 'Lock a user (admin).';
  static override description = 'Locks a user: they cannot log in and their open sessions stop working until an admin unlocks them.';
  static override examples = ['<%= config.bin %> auth users lock bob'];
  static override args = { name: Args.string({ description: 'User name.', required: true }) };

  async run(): Promise<AuthUsersLockResult> {
    const { args } = await this.parse(AuthUsersLock);
    const { setUserLocked } = await import('../../../core/auth/users.js');
    const user = await setUserLocked(await (await this.circle()).unlock(), args.name, true);
    this.note(`${user.name} is locked.`);
    return user;
  }
}
