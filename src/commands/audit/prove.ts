import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { AuditProveResult } from '../../core/audit/types.js';

export default class AuditProve extends BaseCommand<typeof AuditProve> {
  static override summary = 'Prove that the audit log today extends a kept checkpoint.';
  static override description =
    'Computes an RFC 6962 consistency proof from the kept checkpoint\'s tree to the current one, signs a checkpoint of the current tree, and checks the proof. Exit 1 when the log does not extend the checkpoint (history was rewritten or truncated).';
  static override examples = [
    '<%= config.bin %> audit prove --from /mnt/safe/audit-2026-11-01.txt',
    '<%= config.bin %> audit prove --from cp.txt --out proof.json --json',
  ];
  static override flags = {
    from: Flags.string({ description: 'The kept checkpoint file.', required: true }),
    out: Flags.string({ char: 'o', description: 'Also write the proof (JSON) to this file.' }),
  };

  async run(): Promise<AuditProveResult> {
    const { flags } = await this.parse(AuditProve);
    const home = (await this.home()).dir;
    const { readFile } = await import('node:fs/promises');
    const { CircleError } = await import('../../core/errors.js');
    const note = await readFile(flags.from, 'utf8').catch((error: unknown) => {
      throw new CircleError('NOT_FOUND', `Cannot read the checkpoint file ${flags.from}`, { cause: error });
    });
    const { loadAuditKeys } = await import('../../core/audit/keys.js');
    const { proveConsistency } = await import('../../core/audit/prove.js');
    // The proof needs only public keys; with an unlocked session the new tree head is signed too.
    const ctx = await (await this.circle()).unlock().catch(() => undefined);
    const keys = ctx?.can('audit.checkpoint') ? await loadAuditKeys(home, ctx) : await loadAuditKeys(home);
    const result = await proveConsistency(home, keys, note);
    if (!result.verified) this.exitCode = 1;
    if (flags.out) {
      const { writeFileAtomic } = await import('../../core/home/atomic.js');
      await writeFileAtomic(flags.out, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o644 });
    }
    if (!this.jsonEnabled()) {
      if (result.verified) {
        this.log(`Consistent: the log grew from ${result.from.size} to ${result.to.size} entries; proof of ${result.proof.length} hash(es).`);
      } else {
        this.log(`NOT consistent: the log's first ${result.from.size} entries no longer match the checkpoint.`);
      }
      for (const h of result.proof) this.log(`  ${h}`);
    }
    return { ...result, ...(flags.out ? { out: flags.out } : {}) };
  }
}
