import { BaseCommand } from '../../../cli/base-command.js';
import type { PkgKeysCreateResult } from '../../../core/pkg/types.js';

export default class PkgKeysCreate extends BaseCommand<typeof PkgKeysCreate> {
  static override summary = 'Create an Ed25519 publisher key in the vault (maintainer).';
  static override description = 'Makes a new publisher key, sealed in the vault, which signs every later `pkg publish`. This vault trusts it at once; give other consumers the output of `circle pkg keys export` for `circle pkg trust add`. Prints the key id (npm\'s SHA256:… shape).';
  static override examples = ['<%= config.bin %> pkg keys create', '<%= config.bin %> pkg keys create --json'];

  async run(): Promise<PkgKeysCreateResult> {
    await this.parse(PkgKeysCreate);
    const ctx = await (await this.circle()).unlock();
    const { createPublisherKey } = await import('../../../core/pkg/keystore.js');
    const result = await createPublisherKey(ctx);
    if (!this.jsonEnabled()) {
      this.log(result.keyid);
      this.note('Trusted by this vault. Share `circle pkg keys export` with consumers.');
    }
    return result;
  }
}
