import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { LicenseRevokeResult } from '../../core/license/types.js';

export default class LicenseRevoke extends BaseCommand<typeof LicenseRevoke> {
  static override summary = 'Revoke a license by serial.';
  static override description =
    'Marks the serial revoked in the issue ledger and the audit log. Apps learn of it from the signed revocation list: run `circle license revocations export` and publish the result where your app fetches it. Revoking twice changes nothing. Needs license.issue.';
  static override examples = ['<%= config.bin %> license revoke 3f9c0a1b2c3d4e5f6a7b --reason refund'];
  static override args = { serial: Args.string({ description: 'License serial (20 hex digits; see `circle license list`).', required: true }) };
  static override flags = { reason: Flags.string({ description: 'Why (kept, encrypted, in the ledger and audit log).' }) };

  async run(): Promise<LicenseRevokeResult> {
    const { args, flags } = await this.parse(LicenseRevoke);
    const { revokeLicense } = await import('../../core/license/issuer.js');
    const result = await revokeLicense(await (await this.circle()).unlock(), args.serial, flags.reason);
    if (!this.jsonEnabled()) {
      this.log(result.already ? `${result.serial} was already revoked (${result.revokedAt})` : `Revoked ${result.serial}`);
      this.note('Publish a fresh list: `circle license revocations export -o revocations.txt`.');
    }
    return result;
  }
}
