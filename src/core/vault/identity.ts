import { CircleError } from '../errors.js';
import { x25519PublicFromPrivate } from '../crypto/x25519.js';
import type { VaultContext } from './context.js';
import { getInternal } from './internal-records.js';

/**
 * The caller's X25519 identity as raw 32-byte buffers (use `x25519KeyObjects`
 * for node:crypto KeyObjects). Users get one at creation, machine tokens too.
 */
export async function userIdentity(ctx: VaultContext): Promise<{ publicKey: Buffer; privateKey: Buffer }> {
  const data = await ctx.reload();
  const privateKey = await getInternal(data, ctx, ctx.actor.type === 'user' ? 'user-x25519' : 'token-x25519', ctx.actor.id);
  if (!privateKey) throw new CircleError('NOT_FOUND', `No X25519 identity for ${ctx.actor.type} "${ctx.actor.id}"`);
  return { publicKey: x25519PublicFromPrivate(privateKey), privateKey };
}
