import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import type { StorageObjectResult } from '../../core/storage/types.js';

export default class StorageGet extends BaseCommand<typeof StorageGet> {
  static override summary = 'Download an object to a file or stdout.';
  static override description =
    'Streams KEY from the store at URL. With -o the file is written atomically (a temp file renamed in place once the whole object arrived and checked), so a failed or corrupt download leaves any existing file untouched.';
  static override examples = [
    '<%= config.bin %> storage get file:///srv/store reports/2026.pdf -o 2026.pdf',
    '<%= config.bin %> storage get "s3://bucket/prefix?region=eu-west-1" dir.tar | tar x',
  ];
  static override args = {
    url: Args.string({ description: 'Store URL.', required: true }),
    key: Args.string({ description: 'Object key.', required: true }),
  };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output file (default: stdout).' }),
  };

  async run(): Promise<StorageObjectResult> {
    const { args, flags } = await this.parse(StorageGet);
    if (!flags.output && this.jsonEnabled()) throw new CircleError('USAGE', '--json needs -o FILE: stdout cannot carry both the object and the JSON result');
    const { pipeline } = await import('node:stream/promises');
    const { openCommandStore, transferMeter } = await import('../../cli/storage.js');
    const store = await openCommandStore(await this.circle(), args.url);
    const { info, body } = await store.get(args.key);
    const { meter, done } = transferMeter(() => this.progress(`Downloading ${args.key}`), `Downloading ${args.key}`);
    if (flags.output) {
      const { createWriteStream } = await import('node:fs');
      const { rename, unlink } = await import('node:fs/promises');
      const { randomBytes } = await import('node:crypto');
      const { dirname, basename, join } = await import('node:path');
      const tmp = join(dirname(flags.output), `.${basename(flags.output)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
        await rename(tmp, flags.output);
      } catch (error) {
        await unlink(tmp).catch(() => undefined);
        throw error;
      }
      this.note(`Wrote ${flags.output}`);
    } else {
      await pipeline(body, meter, this.io.out.stream, { end: false });
    }
    done();
    return { store: store.url, object: info };
  }
}
