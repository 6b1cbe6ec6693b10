import { openBytes, randomKey, sealBytes, type SealedBlob } from '../crypto/aead.js';
import { argon2idRaw, hkdf, randomSalt, type Argon2Params } from '../crypto/kdf.js';

/**
 * How each way in reaches the root key. A user or token has its own random key;
 * that key is wrapped under a key derived from the password (Argon2id) or the
 * token (HKDF), wraps the root key, and is escrowed under the root key so that
 * re-keying the root (after a user is removed) can re-wrap it for everyone left
 * without knowing their passwords.
 */

export interface PasswordKeys {
  verifier: Buffer;
  kek: Buffer;
}

export async function derivePasswordKeys(password: string, salt: Buffer, params: Argon2Params): Promise<PasswordKeys> {
  const master = await argon2idRaw(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, params);
  try {
    return { verifier: hkdf(master, salt, 'circle/password-verifier/v1'), kek: hkdf(master, salt, 'circle/password-kek/v1') };
  } finally {
    master.fill(0);
  }
}

export function deriveTokenKeys(secret: Buffer, id: string): { verifier: Buffer; kek: Buffer } {
  return { verifier: hkdf(secret, id, 'circle/token-verifier/v1'), kek: hkdf(secret, id, 'circle/token-kek/v1') };
}

export type Principal = `user:${string}` | `token:${string}`;

const aad = {
  principalKey: (vaultId: string, p: Principal) => `principal-key|${vaultId}|${p}`,
  escrow: (vaultId: string, p: Principal, gen: number) => `principal-escrow|${vaultId}|${p}|${gen}`,
  root: (vaultId: string, p: Principal, gen: number) => `root|${vaultId}|${p}|${gen}`,
};

export interface PrincipalWraps {
  wrappedPrincipalKey: SealedBlob;
  escrowed: SealedBlob;
  wrappedRoot: SealedBlob;
}

export function wrapPrincipalKey(kek: Buffer, vaultId: string, p: Principal, principalKey: Buffer): SealedBlob {
  return sealBytes(kek, 'kek', principalKey, aad.principalKey(vaultId, p));
}

export function unwrapPrincipalKey(kek: Buffer, vaultId: string, p: Principal, blob: SealedBlob): Buffer {
  return openBytes(kek, blob, aad.principalKey(vaultId, p));
}

/** Escrow + root wrap for a principal key under a given root generation. */
export function bindToRoot(rootKey: Buffer, vaultId: string, generation: number, p: Principal, principalKey: Buffer): { escrowed: SealedBlob; wrappedRoot: SealedBlob } {
  return {
    escrowed: sealBytes(rootKey, 'root', principalKey, aad.escrow(vaultId, p, generation)),
    wrappedRoot: sealBytes(principalKey, 'principal', rootKey, aad.root(vaultId, p, generation)),
  };
}

export function unescrowPrincipalKey(rootKey: Buffer, vaultId: string, generation: number, p: Principal, blob: SealedBlob): Buffer {
  return openBytes(rootKey, blob, aad.escrow(vaultId, p, generation));
}

export function unwrapRoot(principalKey: Buffer, vaultId: string, generation: number, p: Principal, blob: SealedBlob): Buffer {
  return openBytes(principalKey, blob, aad.root(vaultId, p, generation));
}

export async function newPasswordWraps(
  password: string,
  params: Argon2Params,
  rootKey: Buffer,
  vaultId: string,
  generation: number,
  p: Principal,
  principalKey: Buffer = randomKey(),
): Promise<{ salt: Buffer; verifier: Buffer } & PrincipalWraps> {
  const salt = randomSalt();
  const keys = await derivePasswordKeys(password, salt, params);
  return {
    salt,
    verifier: keys.verifier,
    wrappedPrincipalKey: wrapPrincipalKey(keys.kek, vaultId, p, principalKey),
    ...bindToRoot(rootKey, vaultId, generation, p, principalKey),
  };
}
