import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { ROLES, type Role } from '../../../core/auth/permissions.js';
import { CircleError } from '../../../core/errors.js';
import type { AuthUsersAddResult } from '../../../core/auth/types.js';

export default class AuthUsersAdd extends BaseCommand<typeof AuthUsersAdd> {
  static override summary = 'Add a user (admin).';
  static override description = 'Creates a user with an initial password that they must change at first login (`circle auth passwd`), and an X25519 key pair for team secrets.';
  static override examples = ['<%= config.bin %> auth users add bob --role developer', 'printf "%s\\n" "$INITIAL" | <%= config.bin %> auth users add bob --role viewer --password-stdin'];
  static override args = { name: Args.string({ description: 'User name.', required: true }) };
  static override flags = {
    role: Flags.string({ description: 'Role.', options: [...ROLES], default: 'developer' }),
    'password-stdin': Flags.boolean({ description: 'Read the initial password from the first line of stdin.' }),
  };

  async run(): Promise<AuthUsersAddResult> {
    const { args, flags } = await this.parse(AuthUsersAdd);
    const home = (await this.home()).dir;
    const { authPolicies, splitPasswordStdin } = await import('../../../cli/unlock.js');
    const policy = authPolicies(await this.settings()).password;
    const ctx = await (await this.circle()).unlock();
    await ctx.require('users.manage', args.name);
    let password: string;
    if (flags['password-stdin']) password = splitPasswordStdin(await this.readStdin()).password;
    else if (this.canPrompt()) {
      const { promptNewPassword } = await import('../../../cli/prompts.js');
      const { checkPassword } = await import('../../../core/auth/password-policy.js');
      password = await promptNewPassword((p) => checkPassword(p, args.name, policy), `Initial password for ${args.name}`);
    } else throw new CircleError('INPUT_REQUIRED', 'An initial password is required', { hint: 'Pass --password-stdin and pipe it in.' });
    const { addUser } = await import('../../../core/auth/users.js');
    const user = await addUser(ctx, { name: args.name, role: flags.role as Role, password, policy });
    this.note(`Added ${user.name} (${user.role}); they must change the password at first login with \`circle auth passwd\`.`);
    return user;
  }
}
