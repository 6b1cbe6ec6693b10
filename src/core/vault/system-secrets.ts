import { CircleError } from '../errors.js';
import type { VaultContext } from './context.js';
import { getInternal, putInternal } from './internal-records.js';
import { updateVault } from './store.js';

/**
 * Secrets circle itself needs (the audit log's signing key…), sealed inside the
 * vault. Core modules read them through `internal-records.ts`; this public API
 * is key management and needs `keys.rotate` (admin, maintainer), so no lower
 * role is handed circle's own private keys. Names are `topic.name` (`audit.signing-key`).
 */
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new CircleError('USAGE', `Invalid system secret name ${JSON.stringify(name)}`);
}

export async function getSystemSecret(ctx: VaultContext, name: string): Promise<Buffer | undefined> {
  checkName(name);
  await ctx.require('keys.rotate', `system:${name}`);
  const data = await ctx.reload();
  return getInternal(data, ctx, 'system', name);
}

export async function putSystemSecret(ctx: VaultContext, name: string, bytes: Uint8Array): Promise<void> {
  checkName(name);
  await ctx.require('keys.rotate', `system:${name}`);
  await updateVault(ctx.keys, (current) => {
    putInternal(current, ctx, 'system', name, bytes);
    return { body: current, result: undefined };
  });
}
