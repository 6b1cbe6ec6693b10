import { randomKey, sealBytes, openBytes, decryptFailed, type SealedBlob } from '../crypto/aead.js';
import type { SealedRecord } from './schema.js';
import type { UnlockedKeyring } from './keyring.js';
import type { VaultContext } from './context.js';

/** What sealing needs: the vault id and keyring (a VaultContext is one). */
export interface SealingKeys {
  vaultId: string;
  keyring: UnlockedKeyring;
  dataKey(kid: string): Promise<Buffer>;
}

/**
 * Envelope encryption for any record another part of circle keeps: each record
 * gets a fresh data key (DEK), wrapped by the keyring's active key; both
 * ciphertexts carry AAD naming the vault, the record kind, id and version, so a
 * blob moved to another record, or rolled back to another version, fails to open.
 */
export interface RecordRef {
  /** What sort of record: `secret`, `user-x25519`, `system`… */
  kind: string;
  /** Its identity within the kind. */
  id: string;
  /** Its version (a secret's revision); 0 for records with no history. */
  version: number;
}

export type { SealedRecord };

function refAad(ctx: Pick<SealingKeys, 'vaultId'>, ref: RecordRef): string {
  return `${ctx.vaultId}|${ref.kind.length}:${ref.kind}|${ref.id.length}:${ref.id}|${ref.version}`;
}

export function sealRecord(ctx: SealingKeys, ref: RecordRef, plaintext: Uint8Array): SealedRecord {
  const kek = ctx.keyring.keys.get(ctx.keyring.active);
  if (!kek) throw decryptFailed();
  const dek = randomKey();
  try {
    const aad = refAad(ctx, ref);
    const wrapped = sealBytes(kek, ctx.keyring.active, dek, `dek|${aad}`);
    const body = sealBytes(dek, ctx.keyring.active, plaintext, `record|${aad}`);
    return { v: 1, alg: 'A256GCM+DEK', kid: ctx.keyring.active, dek: wrapped, iv: body.iv, ct: body.ct, tag: body.tag };
  } finally {
    dek.fill(0);
  }
}

/** The plaintext of a sealed record; DECRYPT_FAILED (exit 5) when it was altered or belongs to another record. */
export async function openRecord(ctx: SealingKeys, ref: RecordRef, sealed: SealedRecord): Promise<Buffer> {
  const kek = await ctx.dataKey(sealed.kid);
  if (sealed.dek.kid !== sealed.kid) throw decryptFailed();
  const aad = refAad(ctx, ref);
  const dek = openBytes(kek, sealed.dek, `dek|${aad}`);
  try {
    const body: SealedBlob = { v: 1, alg: 'A256GCM', kid: sealed.kid, iv: sealed.iv, ct: sealed.ct, tag: sealed.tag };
    return openBytes(dek, body, `record|${aad}`);
  } finally {
    dek.fill(0);
  }
}

/** Re-encrypts a record under the active keyring key with a fresh data key (used by `circle keys rotate --reencrypt`). */
export async function resealRecord(ctx: SealingKeys, ref: RecordRef, sealed: SealedRecord): Promise<SealedRecord> {
  const plaintext = await openRecord(ctx, ref, sealed);
  try {
    return sealRecord(ctx, ref, plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * A store of sealed records outside the vault file (project secrets…). Key
 * rotation with `--reencrypt` calls every registered store, which re-seals each
 * of its records with `resealRecord` under its own lock and returns how many it
 * re-encrypted.
 */
export interface RecordStore {
  name: string;
  reencryptAll(ctx: VaultContext): Promise<number>;
}

const recordStores = new Map<string, RecordStore>();

export function registerRecordStore(store: RecordStore): void {
  recordStores.set(store.name, store);
}

export function registeredRecordStores(): RecordStore[] {
  return [...recordStores.values()];
}
