import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import type { AuthPasswdResult } from '../../core/auth/types.js';

export default class AuthPasswd extends BaseCommand<typeof AuthPasswd> {
  static override summary = 'Change your password, or reset another user\'s (admin).';
  static override description =
    'Changing your own password proves the current one (and MFA) first, then re-wraps your key under the new one with the current Argon2id parameters. With --user, an admin sets a temporary password that must be changed at the next login. With --password-stdin: line 1 is the current password and line 2 the new one (for --user: line 1 is the new password).';
  static override examples = [
    '<%= config.bin %> auth passwd',
    'printf "%s\\n%s\\n" "$OLD" "$NEW" | <%= config.bin %> auth passwd --user-name alice --password-stdin --totp 123456',
    'printf "%s\\n" "$TEMP" | <%= config.bin %> auth passwd --user bob --password-stdin',
  ];
  static override flags = {
    user: Flags.string({ description: "Reset this user's password (admin)." }),
    'user-name': Flags.string({ char: 'u', description: 'Your user name (default: $CIRCLE_USER, the logged-in user, or the only user).' }),
    'password-stdin': Flags.boolean({ description: 'Read the passwords from stdin (see the description).' }),
    totp: Flags.string({ description: 'The current authenticator code, when MFA is on.' }),
  };

  async run(): Promise<AuthPasswdResult> {
    const { flags } = await this.parse(AuthPasswd);
    const home = (await this.home()).dir;
    const { authPolicies, resolveLoginUser } = await import('../../cli/unlock.js');
    const { checkPassword } = await import('../../core/auth/password-policy.js');
    const config = await this.settings();
    const policies = authPolicies(config);
    const interactive = this.canPrompt();
    const prompts = interactive ? await import('../../cli/prompts.js') : undefined;
    const stdinLines = flags['password-stdin'] ? (await this.readStdin()).split(/\r?\n/) : undefined;
    const need = (what: string): never => {
      throw new CircleError('INPUT_REQUIRED', `${what} is required`, { hint: 'Pass --password-stdin and pipe it in.' });
    };

    if (flags.user) {
      const ctx = await (await this.circle()).unlock();
      await ctx.require('users.manage', flags.user);
      const temp = stdinLines?.[0] || (prompts ? await prompts.promptNewPassword((p) => checkPassword(p, flags.user!, policies.password), `Temporary password for ${flags.user}`) : need('The new password'));
      const { resetUserPassword } = await import('../../core/auth/users.js');
      await resetUserPassword(ctx, flags.user, temp, policies.password);
      this.note(`Password of ${flags.user} reset; they must change it at next login.`);
      return { user: flags.user, reset: true };
    }

    let user = flags['user-name'];
    if (!user) {
      const token = await (await this.circle()).sessionToken();
      if (token) {
        const { sessionStatus } = await import('../../core/auth/session.js');
        user = await sessionStatus(home, token).then((s) => s.user, () => undefined);
      }
    }
    user ??= await resolveLoginUser(home, undefined, interactive);
    const current = stdinLines ? stdinLines[0] || need('The current password') : prompts ? await prompts.promptPassword(`Current password for ${user}`) : need('The current password');
    const next = stdinLines ? stdinLines[1] || need('The new password (line 2)') : prompts ? await prompts.promptNewPassword((p) => checkPassword(p, user!, policies.password)) : need('The new password');
    const { changePassword } = await import('../../core/auth/users.js');
    await changePassword(home, {
      user,
      currentPassword: current,
      newPassword: next,
      audit: (await this.circle()).audit,
      lockout: policies.lockout,
      policy: policies.password,
      secondFactor: async () => flags.totp ?? stdinLines?.[2]?.trim() ?? (prompts ? prompts.promptCode() : undefined),
    });
    this.note('Password changed.');
    return { user, reset: false };
  }
}
