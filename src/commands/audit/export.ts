import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { filterFlags } from './log.js';
import type { AuditExportResult } from '../../core/audit/types.js';

export default class AuditExport extends BaseCommand<typeof AuditExport> {
  static override summary = 'Export audit entries as JSON Lines, exactly as stored.';
  static override description =
    'Writes matching entries one JSON object per line, byte for byte as stored (details stay encrypted), so a log shipper or another verifier can recompute the leaf hashes. To stdout, or to --out FILE.';
  static override examples = ['<%= config.bin %> audit export > audit.jsonl', '<%= config.bin %> audit export --since 7d --action secrets.* --out week.jsonl'];
  static override flags = {
    ...filterFlags,
    out: Flags.string({ char: 'o', description: 'Write to this file instead of stdout.' }),
  };

  async run(): Promise<AuditExportResult> {
    const { flags } = await this.parse(AuditExport);
    const { CircleError } = await import('../../core/errors.js');
    if (this.jsonEnabled() && !flags.out) {
      throw new CircleError('USAGE', 'export prints JSON Lines itself; with --json pass --out FILE', { hint: 'circle audit export --out audit.jsonl --json' });
    }
    const home = (await this.home()).dir;
    const { forEachEntry, matchesFilter, parseTimeBound } = await import('../../core/audit/query.js');
    const filter = {
      ...(flags.since ? { since: parseTimeBound(flags.since, 'since') } : {}),
      ...(flags.until ? { until: parseTimeBound(flags.until, 'until') } : {}),
      ...(flags.actor ? { actor: flags.actor } : {}),
      ...(flags.action ? { action: flags.action } : {}),
      ...(flags.outcome ? { outcome: flags.outcome as 'success' | 'denied' | 'failure' } : {}),
    };
    const { createWriteStream } = await import('node:fs');
    const sink = flags.out ? createWriteStream(flags.out, { mode: 0o600 }) : this.io.out.stream;
    let count = 0;
    let pending = '';
    await forEachEntry(home, (entry, raw) => {
      if (!matchesFilter(entry, filter)) return;
      count++;
      pending += `${raw}\n`;
      if (pending.length > 1 << 20) {
        sink.write(pending);
        pending = '';
      }
    });
    if (pending) sink.write(pending);
    if (flags.out) {
      await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())));
      this.note(`${count} entries written to ${flags.out}`);
    }
    return { count, ...(flags.out ? { out: flags.out } : {}) };
  }
}
