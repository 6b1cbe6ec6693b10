import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { StorageRmResult } from '../../core/storage/types.js';

export default class StorageRm extends BaseCommand<typeof StorageRm> {
  static override summary = 'Delete an object.';
  static override description = 'Deletes KEY from the store at URL. Exit 4 when there is no such object; with --if-match, exit 6 when it changed since you read its ETag.';
  static override examples = ['<%= config.bin %> storage rm file:///srv/store reports/2025.pdf', '<%= config.bin %> storage rm URL index.json --if-match 5d41402abc4b2a76'];
  static override args = {
    url: Args.string({ description: 'Store URL.', required: true }),
    key: Args.string({ description: 'Object key.', required: true }),
  };
  static override flags = {
    'if-match': Flags.string({ description: 'Only delete the object if its ETag is this one.' }),
  };

  async run(): Promise<StorageRmResult> {
    const { args, flags } = await this.parse(StorageRm);
    const { openCommandStore } = await import('../../cli/storage.js');
    const store = await openCommandStore(await this.circle(), args.url);
    await store.delete(args.key, flags['if-match'] === undefined ? {} : { ifMatch: flags['if-match'] });
    this.note(`Deleted ${args.key}`);
    return { store: store.url, key: args.key, deleted: true };
  }
}
