import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { BackupCreateResult } from '../../core/backup/types.js';

export type { BackupCreateResult };

export default class BackupCreate extends BaseCommand<typeof BackupCreate> {
  static override summary = 'Back up the home as an age-encrypted tar to a store.';
  static override description =
    'Takes a consistent snapshot of the home (vault, audit log, config, personal secrets; the scan database only with --include-scan-db) under its locks and streams it, tarred and age-encrypted, to backups/circle-<id>.tar.age in the store. Encrypted to your own age key by default, to -r recipients, or to a passphrase ($CIRCLE_PASSPHRASE or a prompt). Without circle, `age -d -i KEY circle-<id>.tar.age | tar x` restores it.';
  static override examples = [
    '<%= config.bin %> backup create --store file:///mnt/backups',
    '<%= config.bin %> backup create --store "s3://bucket/circle?region=eu-west-1" -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
    'CIRCLE_PASSPHRASE=… <%= config.bin %> backup create --store file:///mnt/backups --passphrase',
  ];
  static override flags = {
    store: Flags.string({ description: 'Store URL (default: storage.url, else <home>/storage).' }),
    recipient: Flags.string({ char: 'r', multiple: true, description: 'Encrypt to this age1… or SSH public key (repeatable).' }),
    passphrase: Flags.boolean({ char: 'p', description: 'Encrypt to a passphrase ($CIRCLE_PASSPHRASE or a prompt).' }),
    'include-scan-db': Flags.boolean({ description: 'Also back up the advisory database in <home>/cache.' }),
  };

  async run(): Promise<BackupCreateResult> {
    const { flags } = await this.parse(BackupCreate);
    const home = (await this.home()).dir;
    const { openCommandStore, formatBytes } = await import('../../cli/storage.js');
    const { backupRecipients, promptPassphrase } = await import('../../cli/backup.js');
    const { createBackup } = await import('../../core/backup/index.js');
    const ctx = await (await this.circle()).unlock();
    const store = await openCommandStore(await this.circle(), flags.store);
    const { recipients, self } = await backupRecipients({
      recipients: flags.recipient ?? [],
      passphrase: Boolean(flags.passphrase),
      ctx,
      prompt: this.canPrompt() ? () => promptPassphrase(true) : undefined,
      readStdin: () => this.readStdin(),
    });
    const progress = this.progress('Backing up the home');
    try {
      const result = await createBackup({ home, store, recipients, authorizer: ctx, includeScanDb: Boolean(flags['include-scan-db']) });
      progress.stop();
      await ctx.record({ action: 'backup.create', outcome: 'success', target: result.id, details: { store: store.url, files: result.files, bytes: result.bytes } });
      this.note(`Backup ${result.id}: ${result.files} files, ${formatBytes(result.size)} encrypted, in ${store.url}`);
      if (self) this.note('Encrypted to your own age key: keep a copy of it (or add -r / use --passphrase) so a lost home can still be restored.');
      this.log(result.id);
      return result;
    } catch (error) {
      progress.fail();
      await ctx.record({ action: 'backup.create', outcome: 'failure', details: { store: store.url } });
      throw error;
    }
  }
}
