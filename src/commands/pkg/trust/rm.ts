import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { PkgTrustRmResult } from '../../../core/pkg/types.js';

export default class PkgTrustRm extends BaseCommand<typeof PkgTrustRm> {
  static override summary = 'Stop trusting a publisher key (maintainer).';
  static override description = 'Removes KEYID from this vault\'s trust list (only for --scope when given). Installs and verify then reject packages signed only by it.';
  static override examples = ['<%= config.bin %> pkg trust rm SHA256:abc…'];
  static override args = { keyid: Args.string({ description: 'Key id.', required: true }) };
  static override flags = { scope: Flags.string({ description: 'Remove only the entry for this scope.' }) };

  async run(): Promise<PkgTrustRmResult> {
    const { args, flags } = await this.parse(PkgTrustRm);
    const ctx = await (await this.circle()).unlock();
    const { removeTrustedKey } = await import('../../../core/pkg/keystore.js');
    const removed = await removeTrustedKey(ctx, args.keyid, flags.scope);
    if (!this.jsonEnabled()) this.log(`No longer trusted: ${args.keyid}`);
    return { keyid: args.keyid, removed };
  }
}
