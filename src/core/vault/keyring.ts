import { openBytes, randomKey, sealBytes } from '../crypto/aead.js';
import type { KeyringEntry, VaultData } from './schema.js';

/** The keyring's data keys, unwrapped: kid → 32-byte key. */
export interface UnlockedKeyring {
  active: string;
  keys: Map<string, Buffer>;
}

function keyringAad(vaultId: string, kid: string): string {
  return `keyring|${vaultId}|${kid}`;
}

export function wrapKeyringKey(rootKey: Buffer, vaultId: string, kid: string, key: Buffer, createdAt = new Date().toISOString()): KeyringEntry {
  return { kid, createdAt, wrapped: sealBytes(rootKey, 'root', key, keyringAad(vaultId, kid)) };
}

export function newKeyringKey(rootKey: Buffer, vaultId: string, kid: string): { entry: KeyringEntry; key: Buffer } {
  const key = randomKey();
  return { entry: wrapKeyringKey(rootKey, vaultId, kid, key), key };
}

export function unwrapKeyring(data: Pick<VaultData, 'vaultId' | 'keyring'>, rootKey: Buffer): UnlockedKeyring {
  const keys = new Map<string, Buffer>();
  for (const entry of data.keyring.keys) keys.set(entry.kid, openBytes(rootKey, entry.wrapped, keyringAad(data.vaultId, entry.kid)));
  return { active: data.keyring.active, keys };
}

export function nextKid(entries: KeyringEntry[]): string {
  const max = entries.reduce((m, e) => Math.max(m, Number(e.kid.slice(1))), 0);
  return `k${max + 1}`;
}
