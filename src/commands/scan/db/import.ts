import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { IndexMeta } from '../../../core/scan/osv/store.js';
import type { ScanDbImportResult } from '../../../core/scan/types.js';

export default class ScanDbImport extends BaseCommand<typeof ScanDbImport> {
  static override summary = 'Build the advisory database from OSV JSON files or zip archives.';
  static override description =
    'PATH is a directory (searched recursively for *.json, *.json.gz and *.zip), an OSV all.zip archive, or one JSON file. The new index replaces the old one atomically: if the import fails, the previous database stays in use.';
  static override examples = ['<%= config.bin %> scan db import ./osv-dumps', '<%= config.bin %> scan db import ~/Downloads/npm-all.zip'];
  static override args = {
    path: Args.string({ description: 'Directory, zip archive or JSON file of OSV records.', required: true }),
  };

  async run(): Promise<ScanDbImportResult> {
    const { args } = await this.parse(ScanDbImport);
    const { importOsvDatabase } = await import('../../../core/scan/osv/sources.js');
    const progress = this.progress(`Importing ${args.path}`);
    let meta: IndexMeta;
    try {
      meta = await importOsvDatabase([args.path], await this.cacheDir(), { onProgress: (e) => progress.update(`Importing: ${e.records} advisories`) });
      progress.stop();
    } catch (error) {
      progress.fail();
      throw error;
    }
    if (!this.jsonEnabled()) {
      this.log(`Imported ${meta.advisories} advisories: ${Object.entries(meta.ecosystems).map(([e, c]) => `${e} ${c.advisories}`).join(', ') || 'none in supported ecosystems'}`);
      const skipped = meta.skipped.withdrawn + meta.skipped.invalid + meta.skipped.otherEcosystems;
      if (skipped > 0) this.note(`Skipped ${meta.skipped.withdrawn} withdrawn, ${meta.skipped.invalid} invalid and ${meta.skipped.otherEcosystems} other-ecosystem records.`);
    }
    return { createdAt: meta.createdAt, advisories: meta.advisories, ecosystems: meta.ecosystems, skipped: meta.skipped, sources: meta.sources };
  }
}
