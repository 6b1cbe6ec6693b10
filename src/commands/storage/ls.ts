import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { ObjectInfo, StorageLsResult } from '../../core/storage/types.js';

export type { StorageLsResult };

export default class StorageLs extends BaseCommand<typeof StorageLs> {
  static override summary = 'List the objects in a store.';
  static override description = 'Lists every object whose key starts with PREFIX, in key order: size, last modified, key. Without URL, the store is storage.url or <home>/storage.';
  static override examples = [
    '<%= config.bin %> storage ls',
    '<%= config.bin %> storage ls file:///srv/circle-store backups/',
    '<%= config.bin %> storage ls "s3://my-bucket/circle?region=eu-west-1" --json',
  ];
  static override args = {
    url: Args.string({ description: 'Store URL (default: storage.url, else <home>/storage).' }),
    prefix: Args.string({ description: 'Only keys starting with this.' }),
  };
  static override flags = {
    limit: Flags.integer({ description: 'Stop after this many objects.', min: 1 }),
  };

  async run(): Promise<StorageLsResult> {
    const { args, flags } = await this.parse(StorageLs);
    const { openCommandStore, formatBytes } = await import('../../cli/storage.js');
    const store = await openCommandStore(await this.circle(), args.url);
    const objects: ObjectInfo[] = [];
    for await (const info of store.list(args.prefix ?? '')) {
      objects.push(info);
      if (!this.jsonEnabled()) this.log(`${formatBytes(info.size).padStart(10)}  ${info.lastModified}  ${info.key}`);
      if (flags.limit !== undefined && objects.length >= flags.limit) break;
    }
    this.note(`${objects.length} object(s) in ${store.url}`);
    return { store: store.url, prefix: args.prefix ?? '', objects };
  }
}
