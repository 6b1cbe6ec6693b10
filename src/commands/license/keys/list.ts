import { BaseCommand } from '../../../cli/base-command.js';
import type { LicenseKeysListResult } from '../../../core/license/types.js';

export default class LicenseKeysList extends BaseCommand<typeof LicenseKeysList> {
  static override summary = 'List the license issuer keys.';
  static override description = 'Name, key id, creation time and raw public key (base64) of each issuer key in the vault. Public data: any vault user may list them.';
  static override examples = ['<%= config.bin %> license keys list', '<%= config.bin %> license keys list --json'];

  async run(): Promise<LicenseKeysListResult> {
    await this.parse(LicenseKeysList);
    const { listIssuerKeys } = await import('../../../core/license/issuer.js');
    const result = await listIssuerKeys(await (await this.circle()).unlock());
    if (!this.jsonEnabled()) {
      for (const k of result.keys) this.log(`${k.name.padEnd(16)} ${k.created}  ${k.kid}  ${k.publicKey}`);
      if (result.keys.length === 0) this.note('No issuer keys yet: `circle license keygen` makes one.');
    }
    return result;
  }
}
