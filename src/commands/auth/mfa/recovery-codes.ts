import { BaseCommand } from '../../../cli/base-command.js';
import type { AuthMfaRecoveryCodesResult } from '../../../core/auth/types.js';

export default class AuthMfaRecoveryCodes extends BaseCommand<typeof AuthMfaRecoveryCodes> {
  static override summary = 'Replace your recovery codes.';
  static override description = 'Prints 10 new single-use recovery codes once; the old ones stop working. Only their hashes are stored.';
  static override examples = ['<%= config.bin %> auth mfa recovery-codes'];

  async run(): Promise<AuthMfaRecoveryCodesResult> {
    await this.parse(AuthMfaRecoveryCodes);
    const { regenerateRecoveryCodes } = await import('../../../core/auth/mfa.js');
    const { recoveryCodes } = await regenerateRecoveryCodes(await (await this.circle()).unlock());
    if (!this.jsonEnabled()) {
      this.note('New recovery codes (each works once; the old ones no longer work):');
      this.log(recoveryCodes.join('\n'));
    }
    return { recoveryCodes };
  }
}
