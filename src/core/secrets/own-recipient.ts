import { formatX25519Recipient } from '../age/x25519.js';
import type { VaultContext } from '../vault/context.js';
import { userIdentity } from '../vault/identity.js';

export interface OwnRecipientResult {
  /** Who the session or token acts as. */
  actor: { type: 'user' | 'token'; id: string };
  /** Their X25519 public key as an age recipient (`age1…`), for a teammate to add with `secrets recipients add`. */
  recipient: string;
}

/**
 * The caller's own age recipient: the public half of the X25519 identity the vault keeps for
 * them, which a new team member sends to someone who can run `secrets recipients add`.
 * The private key is read only to derive it, and wiped at once.
 */
export async function ownRecipient(ctx: VaultContext): Promise<OwnRecipientResult> {
  const { publicKey, privateKey } = await userIdentity(ctx);
  privateKey.fill(0);
  return { actor: { type: ctx.actor.type === 'user' ? 'user' : 'token', id: ctx.actor.id }, recipient: formatX25519Recipient(publicKey) };
}
