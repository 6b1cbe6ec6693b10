import { BaseCommand } from '../../cli/base-command.js';
import type { KeysListResult } from '../../core/vault/types.js';

export default class KeysList extends BaseCommand<typeof KeysList> {
  static override summary = 'List the keyring\'s data keys.';
  static override description = 'Shows each key version, when it was made, whether it is active, and how many vault records it wraps. Never prints key material.';
  static override examples = ['<%= config.bin %> keys list', '<%= config.bin %> keys list --json'];

  async run(): Promise<KeysListResult> {
    await this.parse(KeysList);
    const { listKeys } = await import('../../core/vault/keys.js');
    const result = await listKeys(await (await this.circle()).unlock());
    if (!this.jsonEnabled()) {
      for (const k of result.keys) this.log(`${k.kid.padEnd(5)} ${k.createdAt}  ${k.active ? 'active ' : 'retired'}  ${k.records} record(s)`);
      this.note(`Root key generation ${result.generation}.`);
    }
    return result;
  }
}
