import { randomKey } from '../crypto/aead.js';
import { currentArgon2Params, type Argon2Params } from '../crypto/kdf.js';
import { generateX25519KeyPair } from '../crypto/x25519.js';
import type { SealingKeys } from '../vault/envelope.js';
import { putInternal } from '../vault/internal-records.js';
import type { UserRecord, VaultBody } from '../vault/schema.js';
import type { Role } from './permissions.js';
import { newPasswordWraps } from './wraps.js';

export interface NewUserInput {
  name: string;
  role: Role;
  password: string;
  mustChangePassword: boolean;
  params?: Argon2Params;
  now?: Date;
}

/**
 * Adds a user to a vault body being built or updated: password wraps, root
 * binding, and an X25519 identity whose private key is sealed in the vault.
 */
export async function addUserToBody(body: VaultBody, rootKey: Buffer, keys: SealingKeys, input: NewUserInput): Promise<UserRecord> {
  const now = (input.now ?? new Date()).toISOString();
  const principalKey = randomKey();
  const wraps = await newPasswordWraps(input.password, input.params ?? currentArgon2Params(), rootKey, body.vaultId, body.generation, `user:${input.name}`, principalKey);
  principalKey.fill(0);
  const pair = generateX25519KeyPair();
  putInternal(body, keys, 'user-x25519', input.name, pair.privateKey);
  pair.privateKey.fill(0);
  const record: UserRecord = {
    name: input.name,
    role: input.role,
    createdAt: now,
    locked: false,
    mustChangePassword: input.mustChangePassword,
    passwordChangedAt: now,
    password: {
      kdf: input.params ?? currentArgon2Params(),
      salt: wraps.salt.toString('base64'),
      verifier: wraps.verifier.toString('base64'),
      wrappedUserKey: wraps.wrappedPrincipalKey,
    },
    escrowedUserKey: wraps.escrowed,
    wrappedRoot: wraps.wrappedRoot,
    publicKey: pair.publicKey.toString('base64'),
    mfa: { enabled: false, recoveryCodes: [] },
  };
  body.users[input.name] = record;
  return record;
}
