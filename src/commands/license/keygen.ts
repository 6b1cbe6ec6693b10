import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { LicenseKeygenResult } from '../../core/license/types.js';

export default class LicenseKeygen extends BaseCommand<typeof LicenseKeygen> {
  static override summary = 'Make an Ed25519 license issuer key in the vault.';
  static override description =
    'The private key is sealed in the vault and never printed; the public key (raw base64 and PEM) is what you ship in your app to verify licenses. Keys are never replaced: a name that exists is refused (exit 6). Needs the license.issue permission (admin, maintainer); recorded in the audit log.';
  static override examples = ['<%= config.bin %> license keygen', '<%= config.bin %> license keygen --name rocket --json'];
  static override flags = {
    name: Flags.string({ description: 'Key name, usually the product (lower-case; default "default").', default: 'default' }),
  };

  async run(): Promise<LicenseKeygenResult> {
    const { flags } = await this.parse(LicenseKeygen);
    const { createIssuerKey } = await import('../../core/license/issuer.js');
    const result = await createIssuerKey(await (await this.circle()).unlock(), flags.name);
    if (!this.jsonEnabled()) {
      this.log(result.key.publicKey);
      this.note(`Issuer key "${result.key.name}" made (${result.key.kid}). Ship the public key above (or \`circle license keys export\`) with your app.`);
    }
    return result;
  }
}
