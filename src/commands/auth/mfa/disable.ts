import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CircleError } from '../../../core/errors.js';
import type { AuthMfaDisableResult } from '../../../core/auth/types.js';

export default class AuthMfaDisable extends BaseCommand<typeof AuthMfaDisable> {
  static override summary = 'Turn off MFA for your account (or, as admin, for another user).';
  static override description = 'Deletes the TOTP secret and the recovery codes. Asks for confirmation unless --yes.';
  static override examples = ['<%= config.bin %> auth mfa disable --yes', '<%= config.bin %> auth mfa disable --user bob --yes'];
  static override flags = {
    user: Flags.string({ description: 'Another user (admin only; for a lost device).' }),
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<AuthMfaDisableResult> {
    const { flags } = await this.parse(AuthMfaDisable);
    const { disableMfa } = await import('../../../core/auth/mfa.js');
    const ctx = await (await this.circle()).unlock();
    const user = flags.user ?? ctx.actor.id;
    if (!flags.yes) {
      if (!this.canPrompt()) throw new CircleError('INPUT_REQUIRED', 'Confirmation required to turn MFA off', { hint: 'Pass --yes.' });
      const { promptConfirm } = await import('../../../cli/prompts.js');
      if (!(await promptConfirm(`Turn off MFA for ${user}?`))) throw new CircleError('USAGE', 'Cancelled; nothing changed');
    }
    await disableMfa(ctx, flags.user);
    this.note(`MFA is off for ${user}.`);
    return { user, mfa: false };
  }
}
