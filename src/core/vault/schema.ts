import { z } from 'zod';
import { sealedBlobSchema } from '../crypto/aead.js';
import { argon2ParamsSchema } from '../crypto/kdf.js';
import { roleSchema } from '../authz/permissions.js';

/**
 * The vault file (`<home>/vault.json`). Everything a user may read is encrypted;
 * what stays in clear (names, roles, public keys, expiry dates) is authenticated
 * by `mac`, an HMAC under a key derived from the root key, so an edit by someone
 * without the root key is detected on the next unlock. `checksum` (unkeyed)
 * classifies accidental damage before any password is tried.
 */
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const iso = z.string().datetime({ offset: true });
export const userNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_" or "-"');

export const recoveryCodeSchema = z.object({ hash: b64, usedAt: iso.optional() });

export const userRecordSchema = z.object({
  name: userNameSchema,
  role: roleSchema,
  createdAt: iso,
  /** Set by an admin; a locked user cannot log in and their sessions stop working. */
  locked: z.boolean(),
  /** Set by an admin reset: the next login must change the password. */
  mustChangePassword: z.boolean(),
  passwordChangedAt: iso,
  password: z.object({
    kdf: argon2ParamsSchema,
    salt: b64,
    /** HKDF(argon2 output, "verifier"): tells a wrong password (exit 3) from a damaged wrap (exit 5). */
    verifier: b64,
    /** The user's key, wrapped under HKDF(argon2 output, "kek"). */
    wrappedUserKey: sealedBlobSchema,
  }),
  /** The user's key wrapped by the root key, so the root can be re-keyed without every password. */
  escrowedUserKey: sealedBlobSchema,
  /** The root key wrapped by the user's key: this user's way in. */
  wrappedRoot: sealedBlobSchema,
  /** X25519 public key (raw, base64); the private key is the sealed record `user-x25519/<name>`. */
  publicKey: b64,
  mfa: z.object({
    enabled: z.boolean(),
    /** The last TOTP time step accepted: codes at or before it are replays. */
    lastStep: z.number().int().optional(),
    recoveryCodes: z.array(recoveryCodeSchema),
  }),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const tokenRecordSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{16}$/),
  name: z.string().min(1).max(64),
  role: roleSchema,
  createdAt: iso,
  createdBy: z.string(),
  expiresAt: iso.optional(),
  revokedAt: iso.optional(),
  /** HKDF(token secret, "verifier"); the token itself is never stored. */
  verifier: b64,
  /** Present until revoked. */
  wrappedTokenKey: sealedBlobSchema.optional(),
  escrowedTokenKey: sealedBlobSchema.optional(),
  wrappedRoot: sealedBlobSchema.optional(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

export const keyringEntrySchema = z.object({
  kid: z.string().regex(/^k[0-9]+$/),
  createdAt: iso,
  /** The data key, wrapped by the root key. */
  wrapped: sealedBlobSchema,
});
export type KeyringEntry = z.infer<typeof keyringEntrySchema>;

export const sealedRecordSchema = z.object({
  v: z.literal(1),
  alg: z.literal('A256GCM+DEK'),
  /** The keyring key that wraps this record's data key. */
  kid: z.string(),
  /** The per-record data key wrapped by keyring key `kid`. */
  dek: sealedBlobSchema,
  iv: b64,
  ct: b64,
  tag: b64,
});
export type SealedRecord = z.infer<typeof sealedRecordSchema>;

export const vaultDataSchema = z.object({
  vaultId: z.string().regex(/^[a-f0-9]{32}$/),
  createdAt: iso,
  /** Bumped each time the root key is replaced; sessions of an older generation are void. */
  generation: z.number().int().min(1),
  users: z.record(z.string(), userRecordSchema),
  tokens: z.record(z.string(), tokenRecordSchema),
  keyring: z.object({ active: z.string(), keys: z.array(keyringEntrySchema).min(1) }),
  /** Vault-internal sealed records keyed "kind/id": user private keys, TOTP secrets, system secrets. */
  records: z.record(z.string(), sealedRecordSchema),
  mac: b64,
  checksum: z.string().regex(/^[a-f0-9]{64}$/),
});
export type VaultData = z.infer<typeof vaultDataSchema>;
/** The vault minus its seals, as code builds it before `sealVaultData`. */
export type VaultBody = Omit<VaultData, 'mac' | 'checksum'>;
