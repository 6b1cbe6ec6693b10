import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { AuthTokenRevokeResult } from '../../../core/auth/types.js';

export default class AuthTokenRevoke extends BaseCommand<typeof AuthTokenRevoke> {
  static override summary = 'Revoke a machine token (admin).';
  static override description = 'Revokes a token by id or name: its wrapped keys are deleted, so it can unlock nothing from now on (exit 3 for anyone using it).';
  static override examples = ['<%= config.bin %> auth token revoke ci', '<%= config.bin %> auth token revoke 3f9c2a1b0d4e5f67'];
  static override args = { token: Args.string({ description: 'Token id or name.', required: true }) };

  async run(): Promise<AuthTokenRevokeResult> {
    const { args } = await this.parse(AuthTokenRevoke);
    const { revokeMachineToken } = await import('../../../core/auth/tokens.js');
    const summary = await revokeMachineToken(await (await this.circle()).unlock(), args.token);
    this.note(`Revoked token ${summary.id} "${summary.name}".`);
    return summary;
  }
}
