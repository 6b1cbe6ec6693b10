import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { StorageObjectResult } from '../../core/storage/types.js';

export default class StoragePut extends BaseCommand<typeof StoragePut> {
  static override summary = 'Upload a file (or stdin) as an object.';
  static override description =
    'Streams FILE (or stdin with -) to KEY in the store at URL, with constant memory: large uploads to S3 and Azure go in 8 MiB parts, and an interrupted upload leaves nothing under KEY. --if-none-match makes the put create-only (exit 6 when KEY exists); --if-match ETAG makes it a compare-and-swap.';
  static override examples = [
    '<%= config.bin %> storage put file:///srv/store reports/2026.pdf ./2026.pdf',
    'tar c dir | <%= config.bin %> storage put "s3://bucket/prefix?endpoint=http://127.0.0.1:9000&forcePathStyle=true" dir.tar -',
    '<%= config.bin %> storage put URL index.json ./index.json --if-match 5d41402abc4b2a76',
  ];
  static override args = {
    url: Args.string({ description: 'Store URL.', required: true }),
    key: Args.string({ description: 'Object key ("/"-separated).', required: true }),
    file: Args.string({ description: 'File to upload, or - for stdin.', required: true }),
  };
  static override flags = {
    'content-type': Flags.string({ description: 'Content type to store with the object.' }),
    'if-none-match': Flags.boolean({ description: 'Create only: fail with exit 6 if the key exists.', exclusive: ['if-match'] }),
    'if-match': Flags.string({ description: 'Only replace the object if its ETag is this one (exit 6 otherwise).' }),
  };

  async run(): Promise<StorageObjectResult> {
    const { args, flags } = await this.parse(StoragePut);
    const { createReadStream } = await import('node:fs');
    const { openCommandStore, transferMeter, formatBytes } = await import('../../cli/storage.js');
    const store = await openCommandStore(await this.circle(), args.url);
    const source = args.file === '-' ? this.io.in.stream : createReadStream(args.file);
    const { meter, done } = transferMeter(() => this.progress(`Uploading ${args.key}`), `Uploading ${args.key}`);
    const object = await store.put(args.key, source.pipe(meter), {
      ...(flags['content-type'] === undefined ? {} : { contentType: flags['content-type'] }),
      ...(flags['if-none-match'] ? { ifNoneMatch: '*' as const } : {}),
      ...(flags['if-match'] === undefined ? {} : { ifMatch: flags['if-match'] }),
    });
    done();
    this.note(`Stored ${args.key} (${formatBytes(object.size)}, ETag ${object.etag})`);
    return { store: store.url, object };
  }
}
