import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { BackupPruneResult } from '../../core/backup/types.js';

export type { BackupPruneResult };

export default class BackupPrune extends BaseCommand<typeof BackupPrune> {
  static override summary = 'Delete all but the newest N backups.';
  static override description = 'Keeps the newest --keep backups in the store and deletes the rest. Needs a login with the backup.create permission; audited.';
  static override examples = ['<%= config.bin %> backup prune --store file:///mnt/backups --keep 7'];
  static override flags = {
    store: Flags.string({ description: 'Store URL (default: storage.url, else <home>/storage).' }),
    keep: Flags.integer({ description: 'How many of the newest backups to keep.', required: true, min: 1 }),
  };

  async run(): Promise<BackupPruneResult> {
    const { flags } = await this.parse(BackupPrune);
    const home = (await this.home()).dir;
    const { openCommandStore } = await import('../../cli/storage.js');
    const { pruneBackups } = await import('../../core/backup/index.js');
    const ctx = await (await this.circle()).unlock();
    const store = await openCommandStore(await this.circle(), flags.store);
    const result = await pruneBackups(store, flags.keep, ctx);
    await ctx.record({ action: 'backup.prune', outcome: 'success', details: { store: store.url, deleted: result.deleted, kept: result.kept.length } });
    for (const id of result.deleted) if (!this.jsonEnabled()) this.log(`deleted ${id}`);
    this.note(`Kept ${result.kept.length}, deleted ${result.deleted.length}.`);
    return result;
  }
}
