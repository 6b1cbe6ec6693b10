import type { RecordRef, SealingKeys } from './envelope.js';
import { openRecord, sealRecord } from './envelope.js';
import type { SealedRecord, VaultBody } from './schema.js';

/**
 * Records kept inside vault.json itself (under `records["kind/id"]`): user and
 * token private keys, TOTP secrets, system secrets. They are sealed like any
 * other record and also covered by the vault MAC.
 */
export type InternalKind = 'user-x25519' | 'token-x25519' | 'totp' | 'totp-pending' | 'system';

export function internalRef(kind: InternalKind, id: string): RecordRef {
  return { kind, id, version: 0 };
}

export function internalKey(kind: InternalKind, id: string): string {
  return `${kind}/${id}`;
}

export function putInternal(body: Pick<VaultBody, 'records'>, keys: SealingKeys, kind: InternalKind, id: string, plaintext: Uint8Array): void {
  body.records[internalKey(kind, id)] = sealRecord(keys, internalRef(kind, id), plaintext);
}

export async function getInternal(body: Pick<VaultBody, 'records'>, keys: SealingKeys, kind: InternalKind, id: string): Promise<Buffer | undefined> {
  const sealed: SealedRecord | undefined = body.records[internalKey(kind, id)];
  return sealed ? openRecord(keys, internalRef(kind, id), sealed) : undefined;
}

export function deleteInternal(body: Pick<VaultBody, 'records'>, kind: InternalKind, id: string): void {
  delete body.records[internalKey(kind, id)];
}

/** Splits "kind/id" back (ids may contain "/"). */
export function parseInternalKey(key: string): RecordRef {
  const slash = key.indexOf('/');
  return { kind: key.slice(0, slash), id: key.slice(slash + 1), version: 0 };
}
