import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CircleError } from '../../../core/errors.js';
import type { AuthUsersRemoveResult } from '../../../core/auth/types.js';

export default class AuthUsersRemove extends BaseCommand<typeof AuthUsersRemove> {
  static override summary = 'Remove a user and re-key the vault (admin).';
  static override description =
    'Deletes the user and replaces the root key: remaining users and tokens are re-bound to the new root, a new keyring key becomes active and vault records are re-encrypted. Other sessions end (log in again); yours is kept. Run `circle keys rotate --reencrypt` afterwards to re-encrypt project secrets too.';
  static override examples = ['<%= config.bin %> auth users remove bob --yes'];
  static override args = { name: Args.string({ description: 'User name.', required: true }) };
  static override flags = { yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }) };

  async run(): Promise<AuthUsersRemoveResult> {
    const { args, flags } = await this.parse(AuthUsersRemove);
    const ctx = await (await this.circle()).unlock();
    await ctx.require('users.manage', args.name);
    if (!flags.yes) {
      if (!this.canPrompt()) throw new CircleError('INPUT_REQUIRED', 'Confirmation required to remove a user', { hint: 'Pass --yes.' });
      const { promptConfirm } = await import('../../../cli/prompts.js');
      if (!(await promptConfirm(`Remove ${args.name} and re-key the vault?`))) throw new CircleError('USAGE', 'Cancelled; nothing changed');
    }
    const { removeUser } = await import('../../../core/auth/users.js');
    const result = await removeUser(ctx, args.name);
    this.note(`Removed ${args.name}; the vault was re-keyed (generation ${result.generation}).`);
    return result;
  }
}
