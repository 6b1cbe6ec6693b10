import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { BackupVerifyResult } from '../../core/backup/types.js';

export type { BackupVerifyResult };

export default class BackupVerify extends BaseCommand<typeof BackupVerify> {
  static override summary = 'Check a backup end to end without restoring it.';
  static override description =
    'Downloads and decrypts the whole backup (every age chunk authenticated), walks the tar and checks every entry against the manifest. Writes nothing. Exit 5 when it is corrupt or the key does not open it.';
  static override examples = [
    '<%= config.bin %> backup verify --store file:///mnt/backups',
    '<%= config.bin %> backup verify --store file:///mnt/backups --id 20260101T020000Z-a1b2c3 -i backup-key.txt',
  ];
  static override flags = {
    store: Flags.string({ description: 'Store URL (default: storage.url, else <home>/storage).' }),
    id: Flags.string({ description: 'Backup id (default: the newest).' }),
    identity: Flags.string({ char: 'i', multiple: true, description: 'age identity file (default: your own key, when logged in).' }),
    passphrase: Flags.boolean({ char: 'p', description: 'The backup was made with a passphrase ($CIRCLE_PASSPHRASE or a prompt).' }),
  };

  async run(): Promise<BackupVerifyResult> {
    const { flags } = await this.parse(BackupVerify);
    const { openCommandStore, formatBytes } = await import('../../cli/storage.js');
    const { backupIdentities, promptPassphrase } = await import('../../cli/backup.js');
    const { verifyBackup } = await import('../../core/backup/index.js');
    const store = await openCommandStore(await this.circle(), flags.store);
    const identities = await backupIdentities({
      identityFiles: flags.identity ?? [],
      passphrase: Boolean(flags.passphrase),
      unlock: async () => (await this.circle()).unlock(),
      prompt: this.canPrompt() ? () => promptPassphrase(false) : undefined,
      readStdin: () => this.readStdin(),
    });
    const progress = this.progress('Verifying the backup');
    const result = await verifyBackup(store, flags.id, identities).finally(() => progress.stop());
    this.note(`Backup ${result.id} is intact: ${result.files} files, ${formatBytes(result.bytes)}.`);
    return result;
  }
}
