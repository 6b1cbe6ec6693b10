import { Flags } from '@oclif/core';
import { z } from 'zod';
import { BaseCommand } from '../../../cli/base-command.js';
import type { IndexMeta } from '../../../core/scan/osv/store.js';
import type { ScanDbUpdateResult } from '../../../core/scan/types.js';

const urlSchema = z.url({ protocol: /^https?$/ });

export default class ScanDbUpdate extends BaseCommand<typeof ScanDbUpdate> {
  static override summary = "Download OSV's advisory archives and rebuild the database.";
  static override description =
    "Downloads OSV's per-ecosystem all.zip archives (npm, PyPI, crates.io, Go, RubyGems, Packagist), checks each is a zip of OSV JSON, and only then replaces the database, atomically. A failed download leaves the previous database in use.";
  static override examples = [
    '<%= config.bin %> scan db update',
    '<%= config.bin %> scan db update --ecosystem npm --ecosystem PyPI',
    '<%= config.bin %> scan db update --url https://mirror.example.com/osv/npm/all.zip',
  ];
  static override flags = {
    url: Flags.string({ description: 'Download this archive instead of the OSV defaults (repeatable; http or https).', multiple: true }),
    ecosystem: Flags.string({ description: 'Only these ecosystems from the OSV defaults (repeatable).', multiple: true, options: ['npm', 'PyPI', 'crates.io', 'Go', 'RubyGems', 'Packagist'] }),
  };

  async run(): Promise<ScanDbUpdateResult> {
    const { flags } = await this.parse(ScanDbUpdate);
    const { CircleError } = await import('../../../core/errors.js');
    const { updateOsvDatabase, defaultOsvUrls } = await import('../../../core/scan/osv/update.js');
    const urls = flags.url ?? defaultOsvUrls(flags.ecosystem);
    for (const u of urls) {
      if (!urlSchema.safeParse(u).success) throw new CircleError('USAGE', `Not an http(s) URL: ${u}`, { hint: 'Pass --url https://…/all.zip' });
    }
    const progress = this.progress('Downloading advisories');
    let meta: IndexMeta;
    try {
      meta = await updateOsvDatabase(urls, await this.cacheDir(), {
        onProgress: (e) => progress.update(`Downloading ${e.url}: ${(e.bytes / 1048576).toFixed(1)} MiB`),
      });
      progress.stop();
    } catch (error) {
      progress.fail();
      throw error;
    }
    if (!this.jsonEnabled()) this.log(`Updated: ${meta.advisories} advisories (${Object.entries(meta.ecosystems).map(([e, c]) => `${e} ${c.advisories}`).join(', ')})`);
    return { createdAt: meta.createdAt, advisories: meta.advisories, ecosystems: meta.ecosystems, skipped: meta.skipped, sources: meta.sources };
  }
}
