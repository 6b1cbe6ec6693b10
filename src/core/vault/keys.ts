import { CircleError } from '../errors.js';
import type { VaultContext } from './context.js';
import { registeredRecordStores, type RecordStore } from './envelope.js';
import { newKeyringKey, nextKid, unwrapKeyring } from './keyring.js';
import { reencryptInternal, sealingKeys } from './rekey.js';
import { updateVault } from './store.js';

export interface KeyInfo {
  kid: string;
  createdAt: string;
  active: boolean;
  /** Vault-internal records whose data key this key wraps. */
  records: number;
}

export interface KeysListResult {
  generation: number;
  active: string;
  keys: KeyInfo[];
}

export async function listKeys(ctx: VaultContext): Promise<KeysListResult> {
  await ctx.require('keys.read');
  const data = await ctx.reload();
  const counts = new Map<string, number>();
  for (const r of Object.values(data.records)) counts.set(r.kid, (counts.get(r.kid) ?? 0) + 1);
  return {
    generation: data.generation,
    active: data.keyring.active,
    keys: data.keyring.keys.map((k) => ({ kid: k.kid, createdAt: k.createdAt, active: k.kid === data.keyring.active, records: counts.get(k.kid) ?? 0 })),
  };
}

export interface RotateKeysOptions {
  /** Also re-encrypt every record under the new key (fresh data keys). */
  reencrypt?: boolean;
  /** Stores to walk in addition to the registered ones. */
  stores?: RecordStore[];
}

export interface RotateKeysResult {
  previous: string;
  active: string;
  reencrypted: { store: string; records: number }[];
}

/** Adds a keyring key version and makes it active; with `reencrypt`, re-seals every record under it. */
export async function rotateKeys(ctx: VaultContext, options: RotateKeysOptions = {}): Promise<RotateKeysResult> {
  await ctx.require('keys.rotate');
  const { previous, active, internal, data } = await updateVault(ctx.keys, async (current) => {
    const previous = current.keyring.active;
    const kid = nextKid(current.keyring.keys);
    const { entry } = newKeyringKey(ctx.rootKey, current.vaultId, kid);
    current.keyring = { active: kid, keys: [...current.keyring.keys, entry] };
    let internal = 0;
    if (options.reencrypt) {
      const to = sealingKeys(current.vaultId, unwrapKeyring(current, ctx.rootKey));
      internal = await reencryptInternal(current, to, to);
    }
    return { body: current, result: { previous, active: kid, internal, data: current } };
  });
  await ctx.reload();
  void data;
  const reencrypted = [{ store: 'vault', records: internal }];
  if (options.reencrypt) {
    const stores = new Map<string, RecordStore>();
    for (const s of [...registeredRecordStores(), ...(options.stores ?? [])]) stores.set(s.name, s);
    for (const store of stores.values()) {
      try {
        reencrypted.push({ store: store.name, records: await store.reencryptAll(ctx) });
      } catch (error) {
        throw new CircleError('INTERNAL', `Re-encrypting the ${store.name} store failed; the new key is active and records not yet re-encrypted still open with the old one`, {
          hint: 'Run `circle keys rotate --reencrypt` again.',
          cause: error,
        });
      }
    }
  }
  await ctx.record({ action: 'keys.rotate', outcome: 'success', target: active, details: { previous, reencrypt: Boolean(options.reencrypt), reencrypted } });
  return { previous, active, reencrypted: options.reencrypt ? reencrypted : [] };
}
