import { randomKey } from '../crypto/aead.js';
import { bindToRoot, unescrowPrincipalKey } from '../auth/wraps.js';
import type { SealingKeys } from './envelope.js';
import { openRecord, sealRecord } from './envelope.js';
import { parseInternalKey } from './internal-records.js';
import { nextKid, unwrapKeyring, wrapKeyringKey, type UnlockedKeyring } from './keyring.js';
import type { VaultBody, VaultData } from './schema.js';

/**
 * Replaces the root key (after a user is removed): every remaining principal's
 * key is recovered from its escrow and bound to the new root, a new keyring key
 * becomes active, every keyring key is re-wrapped under the new root, and every
 * vault-internal record is re-encrypted with a fresh data key. The removed
 * user's old wrap is gone and would open only the previous root.
 */
export function rekeyBody(current: VaultData, oldRoot: Buffer): { body: VaultBody; rootKey: Buffer; keyring: UnlockedKeyring } {
  const { mac: _m, checksum: _c, ...body } = current;
  const newRoot = randomKey();
  const oldGen = current.generation;
  const gen = oldGen + 1;
  for (const user of Object.values(body.users)) {
    const p = `user:${user.name}` as const;
    const key = unescrowPrincipalKey(oldRoot, body.vaultId, oldGen, p, user.escrowedUserKey);
    const bound = bindToRoot(newRoot, body.vaultId, gen, p, key);
    key.fill(0);
    user.escrowedUserKey = bound.escrowed;
    user.wrappedRoot = bound.wrappedRoot;
  }
  for (const token of Object.values(body.tokens)) {
    if (!token.escrowedTokenKey || !token.wrappedRoot) continue;
    const p = `token:${token.id}` as const;
    const key = unescrowPrincipalKey(oldRoot, body.vaultId, oldGen, p, token.escrowedTokenKey);
    const bound = bindToRoot(newRoot, body.vaultId, gen, p, key);
    key.fill(0);
    token.escrowedTokenKey = bound.escrowed;
    token.wrappedRoot = bound.wrappedRoot;
  }
  const old = unwrapKeyring(current, oldRoot);
  const kid = nextKid(body.keyring.keys);
  const fresh = randomKey();
  const keys = new Map(old.keys);
  keys.set(kid, fresh);
  body.keyring = {
    active: kid,
    keys: [...body.keyring.keys.map((e) => wrapKeyringKey(newRoot, body.vaultId, e.kid, old.keys.get(e.kid)!, e.createdAt)), wrapKeyringKey(newRoot, body.vaultId, kid, fresh)],
  };
  body.generation = gen;
  return { body, rootKey: newRoot, keyring: { active: kid, keys } };
}

/** Re-encrypts every vault-internal record under `to`'s active key with fresh data keys. */
export async function reencryptInternal(body: Pick<VaultBody, 'records'>, from: SealingKeys, to: SealingKeys): Promise<number> {
  let n = 0;
  for (const [key, sealed] of Object.entries(body.records)) {
    const ref = parseInternalKey(key);
    const plain = await openRecord(from, ref, sealed);
    body.records[key] = sealRecord(to, ref, plain);
    plain.fill(0);
    n++;
  }
  return n;
}

export function sealingKeys(vaultId: string, keyring: UnlockedKeyring): SealingKeys {
  return {
    vaultId,
    keyring,
    async dataKey(kid: string) {
      const k = keyring.keys.get(kid);
      if (!k) throw new Error(`unknown kid ${kid}`);
      return k;
    },
  };
}
