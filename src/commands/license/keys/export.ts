import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { LicenseKeysExportResult } from '../../../core/license/types.js';

export default class LicenseKeysExport extends BaseCommand<typeof LicenseKeysExport> {
  static override summary = 'Print an issuer public key (raw base64 and PEM) to ship with your app.';
  static override description = 'Prints the raw 32-byte Ed25519 public key in base64, then the same key as a PEM PUBLIC KEY block; --format picks one. Either form is what `verifyLicense({ publicKey })` and `circle license verify --public-key` take. Never prints the private key.';
  static override examples = ['<%= config.bin %> license keys export', '<%= config.bin %> license keys export --key rocket --format pem > rocket.pub.pem'];
  static override flags = {
    key: Flags.string({ description: 'Issuer key name (default: the only key, or "default").' }),
    format: Flags.string({ description: 'Print only this form.', options: ['raw', 'pem'] }),
  };

  async run(): Promise<LicenseKeysExportResult> {
    const { flags } = await this.parse(LicenseKeysExport);
    const { getIssuerKey } = await import('../../../core/license/issuer.js');
    const key = await getIssuerKey(await (await this.circle()).unlock(), flags.key);
    if (!this.jsonEnabled()) {
      if (flags.format !== 'pem') this.log(key.publicKey);
      if (flags.format !== 'raw') this.log(key.pem.trimEnd());
    }
    return key;
  }
}
