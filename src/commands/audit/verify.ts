import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { AuditVerifyResult } from '../../core/audit/verify.js';
import type { AuditVerifyCommandResult } from '../../core/audit/types.js';

export default class AuditVerify extends BaseCommand<typeof AuditVerify> {
  static override summary = 'Check every entry, the Merkle tree and every checkpoint of the audit log.';
  static override description =
    'Recomputes the hash chain and the RFC 6962 tree over the whole log, checks every signed checkpoint the home keeps and, with --checkpoint, one kept elsewhere, which proves that the log only ever grew from it. Needs no key. Names the first bad entry (sequence number and segment) and exits 1 when anything does not verify.';
  static override examples = [
    '<%= config.bin %> audit verify',
    '<%= config.bin %> audit verify --checkpoint ~/safe/audit-checkpoint.txt',
    '<%= config.bin %> audit verify --checkpoint cp.txt --key "$(cat audit.vkey)" --json',
  ];
  static override flags = {
    checkpoint: Flags.string({ char: 'c', description: 'A checkpoint kept outside the home (from `circle audit checkpoint --out`).' }),
    key: Flags.string({ description: "The log's verifier key (from `circle audit checkpoint --public-key`) to trust instead of the home's copy." }),
    deep: Flags.boolean({ description: 'Also validate every entry against the schema (slower).' }),
  };

  async run(): Promise<AuditVerifyCommandResult> {
    const { flags } = await this.parse(AuditVerify);
    const home = (await this.home()).dir;
    const { readFile } = await import('node:fs/promises');
    const { CircleError } = await import('../../core/errors.js');
    const { loadAuditPublicKeys } = await import('../../core/audit/keys.js');
    const { verifyAuditLog } = await import('../../core/audit/verify.js');
    const { parseVerifierKey } = await import('../../core/audit/note.js');
    const homeKeys = await loadAuditPublicKeys(home);
    let keys = homeKeys && { origin: homeKeys.origin, verifyKey: homeKeys.verifyKey };
    if (flags.key) {
      // A pinned key: a home whose key was swapped by an attacker then fails every signature check.
      const pinned = parseVerifierKey(flags.key);
      if (keys && keys.origin !== pinned.name) throw new CircleError('CHECK_FAILED', `The key is for log "${pinned.name}", this home's log is "${keys.origin}"`);
      keys = { origin: pinned.name, verifyKey: pinned.publicKey };
    }
    const kept = flags.checkpoint ? await readFile(flags.checkpoint, 'utf8').catch((error: unknown) => {
      throw new CircleError('NOT_FOUND', `Cannot read the checkpoint file ${flags.checkpoint}`, { cause: error });
    }) : undefined;
    if (!keys) {
      if (kept) throw new CircleError('CHECK_FAILED', 'This home has no audit log, so it cannot match the checkpoint');
      const empty: AuditVerifyResult = { ok: true, size: 0, root: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', segments: 0, prunedEntries: 0, checkpointsChecked: 0, tornTailBytes: 0 };
      if (!this.jsonEnabled()) this.log('OK: the audit log is empty.');
      return empty;
    }
    const progress = this.progress('Verifying the audit log');
    const result = await verifyAuditLog(home, { keys, ...(kept === undefined ? {} : { keptCheckpoint: kept }), deep: flags.deep });
    progress.stop();
    if (!result.ok) this.exitCode = 1;
    if (!this.jsonEnabled()) {
      if (result.ok) {
        this.log(`OK: ${result.size} entries in ${result.segments} segment(s)${result.prunedEntries ? ` (+${result.prunedEntries} pruned to hashes)` : ''}, root ${result.root}, ${result.checkpointsChecked} checkpoint(s) checked.`);
        if (result.kept) this.log(`The log extends the kept checkpoint (size ${result.kept.size}).`);
        if (result.tornTailBytes) this.note(`A partial last line (${result.tornTailBytes} bytes, never acknowledged) will be removed by the next append.`);
      } else {
        const bad = result.firstBad!;
        const where = bad.segment ? ` (segment ${bad.segment}${bad.line ? `, line ${bad.line}` : ''})` : '';
        this.log(`FAILED at entry ${bad.seq}${where}: ${bad.message}`);
      }
    }
    return result;
  }
}
