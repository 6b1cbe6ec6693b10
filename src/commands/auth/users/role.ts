import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { ROLES, type Role } from '../../../core/auth/permissions.js';
import type { AuthUsersRoleResult } from '../../../core/auth/types.js';

export default class AuthUsersRole extends BaseCommand<typeof AuthUsersRole> {
  static override summary = "Change a user's role (admin).";
  static override description = 'Roles: admin, maintainer, developer, viewer, ci. The change applies to open sessions at once. The last admin cannot be demoted.';
  static override examples = ['<%= config.bin %> auth users role bob viewer'];
  static override args = {
    name: Args.string({ description: 'User name.', required: true }),
    role: Args.string({ description: 'New role.', required: true, options: [...ROLES] }),
  };

  async run(): Promise<AuthUsersRoleResult> {
    const { args } = await this.parse(AuthUsersRole);
    const { setUserRole } = await import('../../../core/auth/users.js');
    const user = await setUserRole(await (await this.circle()).unlock(), args.name, args.role as Role);
    this.note(`${user.name} is now ${user.role}.`);
    return user;
  }
}
