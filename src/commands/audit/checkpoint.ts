import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { AuditCheckpointResult } from '../../core/audit/types.js';

export default class AuditCheckpoint extends BaseCommand<typeof AuditCheckpoint> {
  static override summary = 'Sign a checkpoint of the audit log (or print its public key).';
  static override description =
    'Verifies the log, then signs its current size and Merkle root with the log\'s Ed25519 key as a C2SP tlog-checkpoint signed note, stores it in the home and prints it (or writes it to --out). Keep the note somewhere an attacker of this machine cannot write: `circle audit verify --checkpoint FILE` then proves the log only ever grew from it. --public-key prints the verifier key to check checkpoints with elsewhere.';
  static override examples = [
    '<%= config.bin %> audit checkpoint --out /mnt/safe/audit-$(date +%F).txt',
    '<%= config.bin %> audit checkpoint --public-key > audit.vkey',
  ];
  static override flags = {
    out: Flags.string({ char: 'o', description: 'Write the signed note to this file instead of stdout.' }),
    'public-key': Flags.boolean({ description: 'Print the log\'s verifier key instead of signing a checkpoint.' }),
  };

  async run(): Promise<AuditCheckpointResult> {
    const { flags } = await this.parse(AuditCheckpoint);
    const home = (await this.home()).dir;
    const { CircleError } = await import('../../core/errors.js');
    const { loadAuditKeys, loadAuditPublicKeys, noAuditLog, verifierKeyString } = await import('../../core/audit/keys.js');
    const { verifyAuditLog } = await import('../../core/audit/verify.js');
    if (flags['public-key']) {
      // The verifier key is public: no unlock needed.
      const pub = await loadAuditPublicKeys(home);
      if (!pub) throw noAuditLog(home);
      const verifierKey = verifierKeyString(pub);
      const state = await verifyAuditLog(home, { keys: pub });
      if (!this.jsonEnabled()) this.log(verifierKey);
      return { origin: pub.origin, size: state.size, root: state.root, verifierKey };
    }
    // Signing needs the log's private key, which lives in the vault.
    const ctx = await (await this.circle()).unlock();
    await ctx.require('audit.checkpoint');
    const keys = await loadAuditKeys(home, ctx);
    if (!keys.signingKey) {
      throw new CircleError('NOT_FOUND', "The audit log's signing key is not in the vault", { hint: 'Entries are still recorded and verified; only signing checkpoints is impossible. See docs/audit.md (lost keys).' });
    }
    const verifierKey = verifierKeyString(keys);
    const check = await verifyAuditLog(home, { keys });
    if (!check.ok) {
      throw new CircleError('CHECK_FAILED', `Refusing to sign: the audit log does not verify at entry ${check.firstBad!.seq}: ${check.firstBad!.message}`, {
        hint: 'Run `circle audit verify` for details.',
      });
    }
    const { writeAuditCheckpoint } = await import('../../core/audit/log.js');
    const { parseCheckpointNote } = await import('../../core/audit/note.js');
    const record = await writeAuditCheckpoint(home, keys);
    const cp = parseCheckpointNote(record.note).checkpoint;
    if (flags.out) {
      const { writeFileAtomic } = await import('../../core/home/atomic.js');
      await writeFileAtomic(flags.out, record.note, { mode: 0o644 });
      this.note(`Checkpoint of ${cp.size} entries written to ${flags.out}`);
    } else if (!this.jsonEnabled()) {
      this.writeOut(record.note);
    }
    return { origin: keys.origin, size: cp.size, root: cp.root.toString('base64'), note: record.note, verifierKey, ...(flags.out ? { out: flags.out } : {}) };
  }
}
