import { formatX25519Recipient } from '../age/x25519.js';
import { x25519PublicFromPrivate } from '../crypto/x25519.js';
import { CircleError } from '../errors.js';
import type { VaultContext } from '../vault/context.js';
import { getInternal } from '../vault/internal-records.js';

export interface MachineTokenRecipient {
  /** The token's id (what the vault and the audit log call it). */
  id: string;
  name: string;
  /** Its X25519 public key as an age recipient (`age1…`). */
  recipient: string;
}

/**
 * The age recipient of a machine token's X25519 identity, so that a project
 * environment can be shared with CI that runs with `CIRCLE_TOKEN` (the token
 * unlocks the vault, and `openProjectScope` uses the token's identity like a
 * user's). Looked up by id or by the name of an active token. Only an admin
 * (`tokens.manage`) may do this: it decides what a machine credential can read.
 *
 * The vault keeps only the private key (`token-x25519/<id>`); the public half is
 * derived here and the private key is wiped at once.
 */
export async function machineTokenRecipient(ctx: VaultContext, idOrName: string, now = new Date()): Promise<MachineTokenRecipient> {
  await ctx.require('tokens.manage', `token:${idOrName}`);
  const data = await ctx.reload();
  const active = Object.values(data.tokens).filter((t) => !t.revokedAt && !(t.expiresAt && Date.parse(t.expiresAt) <= now.getTime()));
  const token = active.find((t) => t.id === idOrName) ?? active.find((t) => t.name === idOrName);
  if (!token) {
    throw new CircleError('NOT_FOUND', `No active machine token "${idOrName}"`, { hint: 'See `circle auth token list`; create one with `circle auth token create NAME --role ci`.' });
  }
  const privateKey = await getInternal(data, ctx, 'token-x25519', token.id);
  if (!privateKey) throw new CircleError('NOT_FOUND', `Machine token "${token.name}" has no X25519 identity`, { hint: 'It predates token identities: create a new token.' });
  try {
    return { id: token.id, name: token.name, recipient: formatX25519Recipient(x25519PublicFromPrivate(privateKey)) };
  } finally {
    privateKey.fill(0);
  }
}
