import { BaseCommand } from '../../../cli/base-command.js';
import type { PkgKeysListResult } from '../../../core/pkg/types.js';

export default class PkgKeysList extends BaseCommand<typeof PkgKeysList> {
  static override summary = 'List the vault\'s publisher keys.';
  static override description = 'Shows each publisher key id, when and by whom it was made, and whether it is revoked. Never prints key material.';
  static override examples = ['<%= config.bin %> pkg keys list'];

  async run(): Promise<PkgKeysListResult> {
    await this.parse(PkgKeysList);
    const ctx = await (await this.circle()).unlock();
    const { listPublisherKeys } = await import('../../../core/pkg/keystore.js');
    const keys = await listPublisherKeys(ctx);
    if (!this.jsonEnabled()) {
      for (const k of keys) this.log(`${k.keyid}  ${k.createdAt}  ${k.createdBy}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
      if (keys.length === 0) this.note('No publisher keys. Create one with `circle pkg keys create`.');
    }
    return { keys };
  }
}
