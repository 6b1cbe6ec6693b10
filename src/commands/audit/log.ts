import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { AuditEntry } from '../../core/audit/entry.js';
import type { ReadableAuditEntry } from '../../core/audit/query.js';
import type { AuditLogResult } from '../../core/audit/types.js';

export const filterFlags = {
  since: Flags.string({ description: 'Only entries at or after this time: ISO 8601 or a duration back from now (15m, 2h, 7d).' }),
  until: Flags.string({ description: 'Only entries at or before this time: ISO 8601 or a duration back from now.' }),
  actor: Flags.string({ description: 'Only entries by this actor (a user name or token id, or type:id).' }),
  action: Flags.string({ description: 'Only this action (auth.login), or a prefix ending in . or * (auth.*).' }),
  outcome: Flags.string({ description: 'Only this outcome.', options: ['success', 'denied', 'failure'] }),
};

export default class AuditLog extends BaseCommand<typeof AuditLog> {
  static override summary = 'Show audit log entries, newest last.';
  static override description =
    'Reads the tamper-evident audit log in the home. Sensitive details are stored encrypted; --details decrypts them (needs the audit key). Use `circle audit verify` to check the log has not been altered.';
  static override examples = [
    '<%= config.bin %> audit log --since 1h',
    '<%= config.bin %> audit log --action auth.* --outcome failure --limit 20',
    '<%= config.bin %> audit log --actor alice --json',
  ];
  static override flags = {
    ...filterFlags,
    limit: Flags.integer({ char: 'n', description: 'Show at most this many (the newest) entries.', default: 100, min: 1 }),
    details: Flags.boolean({ description: 'Decrypt and show each entry\'s details (needs the audit key).' }),
  };

  async run(): Promise<AuditLogResult> {
    const { flags } = await this.parse(AuditLog);
    const { readAuditEntries, revealDetails, parseTimeBound } = await import('../../core/audit/query.js');
    const home = (await this.home()).dir;
    const filter = {
      ...(flags.since ? { since: parseTimeBound(flags.since, 'since') } : {}),
      ...(flags.until ? { until: parseTimeBound(flags.until, 'until') } : {}),
      ...(flags.actor ? { actor: flags.actor } : {}),
      ...(flags.action ? { action: flags.action } : {}),
      ...(flags.outcome ? { outcome: flags.outcome as AuditEntry['outcome'] } : {}),
    };
    const read = await readAuditEntries(home, filter, flags.limit);
    let entries: (AuditEntry | ReadableAuditEntry)[] = read.entries;
    if (flags.details) {
      // Details are sealed to a key that lives in the vault: unlock, check the role, and record the read.
      const { loadAuditKeys } = await import('../../core/audit/keys.js');
      const { CircleError } = await import('../../core/errors.js');
      const ctx = await (await this.circle()).unlock();
      await ctx.require('audit.read');
      const keys = await loadAuditKeys(home, ctx);
      if (!keys.detailsPrivateKey) throw new CircleError('NOT_FOUND', "The audit log's details key is not in the vault", { hint: 'Run without --details.' });
      entries = read.entries.map((e) => revealDetails(e, keys));
      await ctx.record({ action: 'audit.read-details', outcome: 'success', details: { entries: entries.length, filter: { ...flags, limit: flags.limit } } });
    }
    if (!this.jsonEnabled()) {
      for (const e of entries) {
        const details = e.details === undefined ? '' : flags.details ? `  ${JSON.stringify(e.details)}` : '  [details encrypted]';
        this.log(`${e.time}  #${e.seq}  ${e.outcome.padEnd(7)}  ${e.actor.type}:${e.actor.id}  ${e.action}${e.target ? `  ${e.target}` : ''}${e.reason ? `  (${e.reason})` : ''}${details}`);
      }
      if (entries.length === 0) this.note('No matching audit entries.');
      if (read.malformed > 0) this.warnLine(`${read.malformed} malformed line(s) skipped; run \`circle audit verify\`.`);
    }
    return { entries, count: entries.length, pruned: read.pruned, malformed: read.malformed };
  }
}
