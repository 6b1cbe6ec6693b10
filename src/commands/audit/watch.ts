import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { AuditAlert } from '../../core/audit/watch.js';
import type { AuditWatchResult } from '../../core/audit/types.js';

export default class AuditWatch extends BaseCommand<typeof AuditWatch> {
  static override summary = 'Raise alerts from the audit log: follow it, or check it once.';
  static override description =
    'Evaluates the alert rules from configuration (audit.rules.*): repeated failed logins for one user, a burst of secret reads by one actor, a verification failure, any use of a revoked token. Follows the log as it grows (fs.watch plus polling) and prints one line per alert, or one JSON object per line with --format json for a log shipper. --once evaluates the existing log and exits 1 when any alert fires.';
  static override examples = [
    '<%= config.bin %> audit watch',
    '<%= config.bin %> audit watch --format json | vector --config ship.toml',
    '<%= config.bin %> audit watch --once --json',
  ];
  static override flags = {
    once: Flags.boolean({ description: 'Evaluate the existing log once and exit (1 when an alert fires).' }),
    format: Flags.string({ description: 'How to print alerts while following.', options: ['text', 'json'], default: 'text' }),
    'poll-interval': Flags.integer({ description: 'Polling interval in milliseconds (a fallback for fs.watch).', default: 1000, min: 50 }),
  };

  async run(): Promise<AuditWatchResult> {
    const { flags } = await this.parse(AuditWatch);
    const home = (await this.home()).dir;
    const { CircleError } = await import('../../core/errors.js');
    if (this.jsonEnabled() && !flags.once) throw new CircleError('USAGE', '--json needs --once; to stream alerts as JSON use --format json', { hint: 'circle audit watch --format json' });
    const config = await this.settings();
    const { watchRules } = (await (await this.circle()).policies(config)).audit;
    // Rules read only clear fields and verification needs only the public key: no unlock.
    const { loadAuditPublicKeys, noAuditLog } = await import('../../core/audit/keys.js');
    const keys = await loadAuditPublicKeys(home);
    if (!keys) {
      if (!flags.once) throw noAuditLog(home);
      this.note('No audit log yet (it is created by `circle init`): no alerts.');
      return { alerts: [], count: 0 };
    }
    const alerts: AuditAlert[] = [];
    const print = (a: AuditAlert) => {
      alerts.push(a);
      if (this.jsonEnabled()) return;
      if (flags.format === 'json') this.writeOut(`${JSON.stringify(a)}\n`);
      else this.writeOut(`ALERT ${a.time} ${a.rule}${a.seq === undefined ? '' : ` #${a.seq}`}: ${a.message}\n`);
    };
    const { evaluateAuditLog, followAuditLog } = await import('../../core/audit/watch.js');
    if (flags.once) {
      await evaluateAuditLog(home, { rules: watchRules, keys, onAlert: print });
      if (alerts.length > 0) this.exitCode = 1;
      else this.note('No alerts.');
      return { alerts, count: alerts.length };
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await followAuditLog(home, {
      rules: watchRules,
      keys,
      onAlert: print,
      signal: controller.signal,
      pollMs: flags['poll-interval'],
      // Said only once the existing log is read, so "Watching" means new entries will be seen.
      onReady: () => this.note('Watching the audit log; Ctrl-C to stop.'),
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return { alerts, count: alerts.length };
  }
}
