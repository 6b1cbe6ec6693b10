import { CircleError } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { logVerifier } from './checkpoints.js';
import { GENESIS_PREV, readEntryHead } from './entry.js';
import type { AuditKeys } from './keys.js';
import { auditLayout } from './layout.js';
import { writeAuditCheckpoint } from './log.js';
import { HASH_SIZE, consistencyProof, leafHash, subtreeRoot, verifyConsistency } from './merkle.js';
import { noteSignedBy, parseCheckpointNote } from './note.js';
import { listSegments, scanLines } from './segments.js';

/**
 * `prove --from`: an RFC 6962 consistency proof that the log as it is now
 * extends a kept checkpoint, plus a fresh signed checkpoint of "now" when the
 * signing key is at hand, so the pair can be checked by any RFC 9162 verifier.
 */

export interface ConsistencyProofResult {
  origin: string;
  from: { size: number; root: string };
  to: { size: number; root: string; note?: string };
  /** Base64 hashes, RFC 6962 §2.1.2 order. */
  proof: string[];
  verified: boolean;
}

/** Every leaf hash of the log, checking the chain as it goes (pruned segments count by their kept hashes). */
export async function readAllLeaves(homeDir: string): Promise<Buffer[]> {
  const layout = auditLayout(homeDir);
  const prunedBytes = (await readFileIfExists(layout.prunedLeaves)) ?? Buffer.alloc(0);
  const leaves: Buffer[] = [];
  for (let i = 0; i + HASH_SIZE <= prunedBytes.length; i += HASH_SIZE) leaves.push(prunedBytes.subarray(i, i + HASH_SIZE));
  let prev = leaves.length > 0 ? leaves[leaves.length - 1]!.toString('hex') : GENESIS_PREV;
  const segments = (await listSegments(layout)).filter((s, i, all) => (all[i + 1]?.firstSeq ?? Number.POSITIVE_INFINITY) > leaves.length);
  for (const segment of segments) {
    let broken = false;
    await scanLines(segment.path, ({ line }) => {
      const head = readEntryHead(line);
      if (!head || head.seq !== leaves.length || head.prev !== prev) {
        broken = true;
        return false;
      }
      const leaf = leafHash(line);
      leaves.push(leaf);
      prev = leaf.toString('hex');
    });
    if (broken) {
      throw new CircleError('CHECK_FAILED', `The audit log does not verify at entry ${leaves.length} (segment ${segment.name})`, { hint: 'Run `circle audit verify` for details.' });
    }
  }
  return leaves;
}

export async function proveConsistency(homeDir: string, keys: AuditKeys, keptNote: string): Promise<ConsistencyProofResult> {
  const kept = parseCheckpointNote(keptNote);
  if (kept.checkpoint.origin !== keys.origin) {
    throw new CircleError('CHECK_FAILED', `The checkpoint is for log "${kept.checkpoint.origin}", this home's log is "${keys.origin}"`);
  }
  if (!noteSignedBy(kept, logVerifier(keys))) throw new CircleError('CHECK_FAILED', "The checkpoint is not signed by this log's key");
  // With the signing key, "now" becomes a signed checkpoint (and the leaves are read after it, so they agree).
  const note = keys.signingKey ? (await writeAuditCheckpoint(homeDir, keys)).note : undefined;
  let leaves = await readAllLeaves(homeDir);
  const size = note ? parseCheckpointNote(note).checkpoint.size : leaves.length;
  leaves = leaves.slice(0, size);
  const m = kept.checkpoint.size;
  if (m > leaves.length) {
    throw new CircleError('CHECK_FAILED', `The log has ${leaves.length} entries, fewer than the ${m} of the checkpoint: it was truncated`);
  }
  const oldRoot = subtreeRoot(leaves, 0, m);
  const newRoot = subtreeRoot(leaves);
  const proof = m === 0 ? [] : consistencyProof(leaves, m);
  const verified = oldRoot.equals(kept.checkpoint.root) && (m === 0 || verifyConsistency(m, leaves.length, proof, kept.checkpoint.root, newRoot));
  return {
    origin: keys.origin,
    from: { size: m, root: kept.checkpoint.root.toString('base64') },
    to: { size: leaves.length, root: newRoot.toString('base64'), ...(note ? { note } : {}) },
    proof: proof.map((h) => h.toString('base64')),
    verified,
  };
}
