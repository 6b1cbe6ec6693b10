import { BaseCommand } from '../../cli/base-command.js';
import type { LicenseListResult } from '../../core/license/types.js';

export default class LicenseList extends BaseCommand<typeof LicenseList> {
  static override summary = 'List the licenses issued from this vault.';
  static override description =
    'Reads the issue ledger kept in the vault (each issue and revoke is also an audit entry): serial, licensee, product, expiry and whether it was revoked, newest first. License keys of encrypted licenses are not shown. Needs license.issue.';
  static override examples = ['<%= config.bin %> license list', '<%= config.bin %> license list --json'];

  async run(): Promise<LicenseListResult> {
    await this.parse(LicenseList);
    const { listIssuedLicenses } = await import('../../core/license/issuer.js');
    const result = await listIssuedLicenses(await (await this.circle()).unlock());
    if (!this.jsonEnabled()) {
      for (const l of result.licenses) {
        const expiry = l.expires ? `until ${l.expires.slice(0, 10)}` : 'perpetual';
        const state = l.revoked ? `REVOKED ${l.revoked.at.slice(0, 10)}` : l.trial ? 'trial' : '';
        this.log(`${l.serial}  ${l.issued.slice(0, 10)}  ${l.product}  ${l.licensee}  ${expiry}  ${state}`.trimEnd());
      }
      if (result.licenses.length === 0) this.note('No licenses issued yet.');
    }
    return result;
  }
}
