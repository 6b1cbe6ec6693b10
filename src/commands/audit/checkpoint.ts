import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';

export interface AuditCheckpointResult {
  origin: string;
  size: number;
  root: string;
  /** The signed note (C2SP tlog-checkpoint); absent with --public-key. */
  note?: string;
  /** The signed-note verifier key: `<name>+<key id>+<base64 key>`. */
  verifierKey: string;
  out?: string;
}

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
    const { loadAuditKeys, verifierKeyString } = await import('../../core/audit/keys.js');
    const keys = await loadAuditKeys(home);
    const verifierKey = verifierKeyString(keys);
    if (flags['public-key']) {
      const { verifyAuditLog } = await import('../../core/audit/verify.js');
      const state = await verifyAuditLog(home, { keys });
      if (!this.jsonEnabled()) this.log(verifierKey);
      return { origin: keys.origin, size: state.size, root: state.root, verifierKey };
    }
    const { verifyAuditLog } = await import('../../core/audit/verify.js');
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
      process.stdout.write(record.note);
    }
    return { origin: keys.origin, size: cp.size, root: cp.root.toString('base64'), note: record.note, verifierKey, ...(flags.out ? { out: flags.out } : {}) };
  }
}
