import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { PkgKeysExportResult } from '../../../core/pkg/types.js';

export default class PkgKeysExport extends BaseCommand<typeof PkgKeysExport> {
  static override summary = 'Print a publisher\'s public key for consumers to trust.';
  static override description = 'Prints the PEM public key of KEYID (default: the active key). Consumers save it and run `circle pkg trust add --file key.pem`.';
  static override examples = ['<%= config.bin %> pkg keys export > acme-publisher.pem', '<%= config.bin %> pkg keys export SHA256:abc… --json'];
  static override args = { keyid: Args.string({ description: 'Key id (default: the active key).' }) };

  async run(): Promise<PkgKeysExportResult> {
    const { args } = await this.parse(PkgKeysExport);
    const ctx = await (await this.circle()).unlock();
    const { exportPublisherKey } = await import('../../../core/pkg/keystore.js');
    const result = await exportPublisherKey(ctx, args.keyid);
    if (!this.jsonEnabled()) this.log(result.publicKeyPem.trimEnd());
    return result;
  }
}
