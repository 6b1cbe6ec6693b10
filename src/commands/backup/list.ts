import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { BackupListResult } from '../../core/backup/types.js';

export type { BackupListResult };

export default class BackupList extends BaseCommand<typeof BackupList> {
  static override summary = 'List the backups in a store, oldest first.';
  static override description = 'Lists backups/circle-<id>.tar.age objects: id, creation time and encrypted size. Needs no key and no login.';
  static override examples = ['<%= config.bin %> backup list --store file:///mnt/backups', '<%= config.bin %> backup list --store "s3://bucket/circle?region=eu-west-1" --json'];
  static override flags = {
    store: Flags.string({ description: 'Store URL (default: storage.url, else <home>/storage).' }),
  };

  async run(): Promise<BackupListResult> {
    const { flags } = await this.parse(BackupList);
    const { openCommandStore, formatBytes } = await import('../../cli/storage.js');
    const { listBackups } = await import('../../core/backup/index.js');
    const store = await openCommandStore(await this.circle(), flags.store);
    const result = await listBackups(store);
    for (const b of result.backups) if (!this.jsonEnabled()) this.log(`${b.id}  ${b.createdAt}  ${formatBytes(b.size)}`);
    this.note(`${result.backups.length} backup(s) in ${store.url}`);
    return result;
  }
}
