import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import type { BackupRestoreResult } from '../../core/backup/types.js';

export type { BackupRestoreResult };

export default class BackupRestore extends BaseCommand<typeof BackupRestore> {
  static override summary = 'Restore the home from a backup.';
  static override description =
    'Decrypts and checks the backup beside the home, shows what would change, and with --yes (or a confirmation) swaps it in atomically: the current home is kept aside until the restored vault reads back. A backup whose audit log is not a prefix of the current one would go back in time: refused with exit 6 unless --force. The object store, caches and sessions of the current home are kept. Over an existing vault, needs a login with the backup.restore permission.';
  static override examples = [
    '<%= config.bin %> backup restore --store file:///mnt/backups -i backup-key.txt',
    '<%= config.bin %> backup restore --store file:///mnt/backups --id 20260101T020000Z-a1b2c3 -i backup-key.txt --yes',
    'CIRCLE_PASSPHRASE=… <%= config.bin %> backup restore --store file:///mnt/backups --passphrase --yes',
  ];
  static override flags = {
    store: Flags.string({ description: 'Store URL (default: storage.url, else <home>/storage).' }),
    id: Flags.string({ description: 'Backup id (default: the newest).' }),
    identity: Flags.string({ char: 'i', multiple: true, description: 'age identity file (default: your own key, when logged in).' }),
    passphrase: Flags.boolean({ char: 'p', description: 'The backup was made with a passphrase ($CIRCLE_PASSPHRASE or a prompt).' }),
    force: Flags.boolean({ description: 'Restore even if it rolls the audit log back.' }),
    yes: Flags.boolean({ char: 'y', description: 'Apply without asking.' }),
  };

  async run(): Promise<BackupRestoreResult> {
    const { flags } = await this.parse(BackupRestore);
    const home = (await this.home()).dir;
    const { openCommandStore } = await import('../../cli/storage.js');
    const { backupIdentities, promptPassphrase } = await import('../../cli/backup.js');
    const { restoreBackup } = await import('../../core/backup/index.js');
    const store = await openCommandStore(await this.circle(), flags.store);
    const identities = await backupIdentities({
      identityFiles: flags.identity ?? [],
      passphrase: Boolean(flags.passphrase),
      unlock: async () => (await this.circle()).unlock(),
      prompt: this.canPrompt() ? () => promptPassphrase(false) : undefined,
      readStdin: () => this.readStdin(),
    });
    const base = { home, store, identities, force: Boolean(flags.force), authorizer: async () => (await this.circle()).unlock() };
    const plan = await restoreBackup({ ...base, ...(flags.id === undefined ? {} : { id: flags.id }), apply: false });
    if (!this.jsonEnabled()) for (const c of plan.changes) this.log(`${c.change.padEnd(8)} ${c.path}`);
    if (plan.rollsBackAudit) this.warnLine('This backup rolls the audit log back (--force given).');
    let apply = Boolean(flags.yes);
    if (!apply && this.canPrompt()) {
      const { promptConfirm } = await import('../../cli/prompts.js');
      apply = await promptConfirm(`Restore backup ${plan.id} over ${home}?`);
    } else if (!apply) {
      throw new CircleError('INPUT_REQUIRED', `Restoring backup ${plan.id} would make ${plan.changes.length} change(s); nothing was changed`, { hint: 'Pass --yes to apply.' });
    }
    if (!apply) return plan;
    const result = await restoreBackup({ ...base, id: plan.id, apply: true });
    // The restored home has its own audit log: record into it through a fresh Circle, not one opened before the swap.
    const { createCircle } = await import('../../core/context/index.js');
    await createCircle({ home }).audit.record({ action: 'backup.restore', outcome: 'success', actor: { type: 'system', id: 'backup-restore' }, target: result.id, ...(result.rollsBackAudit ? { reason: 'forced' } : {}) });
    this.note(`Restored backup ${result.id}. Log in again if your session ended; \`circle audit verify\` checks the log.`);
    return result;
  }
}
