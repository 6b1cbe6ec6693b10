import { BaseCommand } from '../../../cli/base-command.js';
import type { PkgTrustListResult } from '../../../core/pkg/types.js';

export default class PkgTrustList extends BaseCommand<typeof PkgTrustList> {
  static override summary = 'List the publisher keys this vault trusts.';
  static override description = 'Shows each trusted key id, its scope, who added it and when, and its revocation time if any.';
  static override examples = ['<%= config.bin %> pkg trust list', '<%= config.bin %> pkg trust list --json'];

  async run(): Promise<PkgTrustListResult> {
    await this.parse(PkgTrustList);
    const ctx = await (await this.circle()).unlock();
    const { listTrustedKeys } = await import('../../../core/pkg/keystore.js');
    const keys = await listTrustedKeys(ctx);
    if (!this.jsonEnabled()) {
      for (const k of keys) this.log(`${k.keyid}  ${k.scope ?? '(all scopes)'}  added ${k.addedAt} by ${k.addedBy}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}`);
      if (keys.length === 0) this.note('No trusted keys: installs will refuse every package (pkg.signatures=require).');
    }
    return { keys };
  }
}
