import { BaseCommand } from '../../../cli/base-command.js';
import type { AuthUsersListResult } from '../../../core/auth/types.js';

export default class AuthUsersList extends BaseCommand<typeof AuthUsersList> {
  static override summary = 'List users, their roles and state.';
  static override description = 'Shows each user with role, MFA, lock state and X25519 public key, as an age1… recipient (what `circle secrets recipients add` takes).';
  static override examples = ['<%= config.bin %> auth users list', '<%= config.bin %> auth users list --json'];

  async run(): Promise<AuthUsersListResult> {
    await this.parse(AuthUsersList);
    const { listUsers } = await import('../../../core/auth/users.js');
    const users = await listUsers(await (await this.circle()).unlock());
    if (!this.jsonEnabled()) {
      if (users.length === 0) this.note('No users.');
      for (const u of users) {
        const flags = [u.mfa ? 'mfa' : 'no-mfa', u.locked ? 'locked' : '', u.lockedOutUntil ? `locked-out until ${u.lockedOutUntil}` : '', u.mustChangePassword ? 'must-change-password' : ''].filter(Boolean);
        this.log(`${u.name.padEnd(20)} ${u.role.padEnd(11)} ${u.recipient} ${flags.join(', ')}`);
      }
    }
    return { users };
  }
}
