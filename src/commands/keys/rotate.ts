import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { KeysRotateResult } from '../../core/vault/types.js';

export default class KeysRotate extends BaseCommand<typeof KeysRotate> {
  static override summary = 'Add a new data key version and make it active.';
  static override description =
    'New records are sealed under the new key; old ones still open with the old key. With --reencrypt every record (vault records and your personal secrets in the home) is re-encrypted with a fresh data key under the new key, and the data keys of encrypted objects in <home>/storage are re-wrapped under it (their payloads are not re-encrypted). Project secret files (.circle/secrets) are encrypted to their recipients, not to this keyring: re-key them with `circle secrets recipients remove`/`add`.';
  static override examples = ['<%= config.bin %> keys rotate', '<%= config.bin %> keys rotate --reencrypt'];
  static override flags = { reencrypt: Flags.boolean({ description: 'Re-encrypt every record under the new key.' }) };

  async run(): Promise<KeysRotateResult> {
    const { flags } = await this.parse(KeysRotate);
    const { rotateKeys } = await import('../../core/vault/keys.js');
    // The personal secrets live outside vault.json; project files are sealed to recipients, not the keyring.
    const { personalSecretsRecordStore } = await import('../../core/secrets/personal-store.js');
    // Encrypted objects in <home>/storage: their data keys are re-wrapped, their payloads left alone.
    const { homeStorageRecordStore } = await import('../../core/storage/encrypted.js');
    const ctx = await (await this.circle()).unlock();
    const progress = this.progress('Rotating keys');
    try {
      const result = await rotateKeys(ctx, { reencrypt: flags.reencrypt, stores: [personalSecretsRecordStore, homeStorageRecordStore()] });
      progress.succeed(`Active key is now ${result.active} (was ${result.previous})`);
      if (!this.jsonEnabled()) {
        this.log(result.active);
        for (const r of result.reencrypted) this.note(`Re-encrypted ${r.records} record(s) in ${r.store}.`);
      }
      return result;
    } catch (error) {
      progress.fail();
      throw error;
    }
  }
}
