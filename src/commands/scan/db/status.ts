import { BaseCommand } from '../../../cli/base-command.js';
import type { ScanDbStatusResult } from '../../../core/scan/types.js';

export default class ScanDbStatus extends BaseCommand<typeof ScanDbStatus> {
  static override summary = 'Show what the advisory database holds and how old it is.';
  static override examples = ['<%= config.bin %> scan db status', '<%= config.bin %> scan db status --json'];

  async run(): Promise<ScanDbStatusResult> {
    await this.parse(ScanDbStatus);
    const { OsvIndex } = await import('../../../core/scan/osv/store.js');
    const { migrationNote } = await import('../../../cli/scan/index-notes.js');
    const index = await OsvIndex.open(await this.cacheDir(), { onMigrate: (from) => this.note(migrationNote(from)) });
    if (!index) {
      if (!this.jsonEnabled()) this.log('No advisory database. Run `circle scan db update` or `circle scan db import PATH`.');
      return { present: false };
    }
    const meta = index.meta;
    index.close();
    const maxAgeDays = (await this.settings()).values['scan.db.maxAgeDays'];
    const ageDays = Math.round(((Date.now() - Date.parse(meta.createdAt)) / 86_400_000) * 10) / 10;
    const stale = maxAgeDays > 0 && ageDays > maxAgeDays;
    if (!this.jsonEnabled()) {
      this.log(`Advisories: ${meta.advisories} (imported ${meta.createdAt}, ${ageDays} days ago${stale ? ', stale' : ''})`);
      for (const [eco, c] of Object.entries(meta.ecosystems)) this.log(`  ${eco.padEnd(10)} ${String(c.advisories).padStart(7)} advisories  ${String(c.packages).padStart(7)} packages`);
      if (meta.newestModified) this.log(`Newest advisory change: ${meta.newestModified}`);
    }
    return { present: true, createdAt: meta.createdAt, ageDays, stale, advisories: meta.advisories, ecosystems: meta.ecosystems, ...(meta.newestModified ? { newestModified: meta.newestModified } : {}), sources: meta.sources };
  }
}
