import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { StorageObjectResult } from '../../core/storage/types.js';

export default class StorageStat extends BaseCommand<typeof StorageStat> {
  static override summary = 'Show an object\'s size, ETag, content type and metadata.';
  static override description = 'Reads only the object\'s information (a HEAD request), never its content. Exit 4 when there is no such object.';
  static override examples = ['<%= config.bin %> storage stat file:///srv/store reports/2026.pdf', '<%= config.bin %> storage stat URL index.json --json'];
  static override args = {
    url: Args.string({ description: 'Store URL.', required: true }),
    key: Args.string({ description: 'Object key.', required: true }),
  };

  async run(): Promise<StorageObjectResult> {
    const { args } = await this.parse(StorageStat);
    const { openCommandStore } = await import('../../cli/storage.js');
    const store = await openCommandStore(await this.circle(), args.url);
    const object = await store.head(args.key);
    if (!this.jsonEnabled()) {
      this.log(`key            ${object.key}`);
      this.log(`size           ${object.size}`);
      this.log(`etag           ${object.etag}`);
      this.log(`last-modified  ${object.lastModified}`);
      if (object.contentType) this.log(`content-type   ${object.contentType}`);
      for (const [name, value] of Object.entries(object.metadata)) this.log(`meta.${name.padEnd(10)} ${value}`);
    }
    return { store: store.url, object };
  }
}
