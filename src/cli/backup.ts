import { readFile } from 'node:fs/promises';
import type { AgeIdentity, AgeRecipient } from '../core/age/types.js';
import { CircleError } from '../core/errors.js';
import type { VaultContext } from '../core/vault/context.js';

/** Recipients of a new backup: -r keys, a passphrase, and by default the logged-in user's own age key. */
export async function backupRecipients(options: { recipients: string[]; passphrase: boolean; ctx: VaultContext; prompt: (() => Promise<string>) | undefined; readStdin: () => Promise<string> }): Promise<{ recipients: AgeRecipient[]; self: boolean }> {
  const age = await import('../core/age/index.js');
  const recipients = options.recipients.map((r) => age.parseRecipient(r));
  if (options.passphrase) {
    const { resolvePassphrase } = await import('../core/age/passphrase.js');
    const pass = await resolvePassphrase({ readStdin: options.readStdin, prompt: options.prompt });
    // age allows a passphrase only as the sole recipient.
    if (recipients.length > 0) throw new CircleError('USAGE', '--passphrase cannot be combined with -r (age allows a passphrase only on its own)');
    return { recipients: [new age.ScryptRecipient(pass)], self: false };
  }
  if (recipients.length > 0) return { recipients, self: false };
  const { userIdentity } = await import('../core/vault/identity.js');
  const { publicKey } = await userIdentity(options.ctx);
  return { recipients: [new age.X25519Recipient(age.formatX25519Recipient(publicKey))], self: true };
}

/** Identities to open a backup: -i files, a passphrase, or (when logged in) the user's own age key. */
export async function backupIdentities(options: { identityFiles: string[]; passphrase: boolean; unlock: () => Promise<VaultContext>; prompt: (() => Promise<string>) | undefined; readStdin: () => Promise<string> }): Promise<AgeIdentity[]> {
  const age = await import('../core/age/index.js');
  const identities: AgeIdentity[] = [];
  for (const file of options.identityFiles) identities.push(...age.parseIdentityFile(await readFile(file, 'utf8')));
  if (options.passphrase) {
    const { resolvePassphrase } = await import('../core/age/passphrase.js');
    identities.push(new age.ScryptIdentity(await resolvePassphrase({ readStdin: options.readStdin, prompt: options.prompt })));
  }
  if (identities.length > 0) return identities;
  const { userIdentity } = await import('../core/vault/identity.js');
  const ctx = await options.unlock().catch((error: unknown) => {
    throw new CircleError('INPUT_REQUIRED', 'No identity to open the backup with', { hint: 'Pass -i IDENTITY_FILE or --passphrase, or log in to use your own key.', cause: error });
  });
  const { privateKey } = await userIdentity(ctx);
  return [new age.X25519Identity(age.formatX25519Identity(privateKey))];
}

export async function promptPassphrase(confirm: boolean): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  const context = { output: process.stderr };
  const first = await password({ message: 'Backup passphrase', mask: true }, context);
  if (confirm) {
    const second = await password({ message: 'Confirm passphrase', mask: true }, context);
    if (first !== second) throw new CircleError('USAGE', 'The passphrases do not match');
  }
  return first;
}
