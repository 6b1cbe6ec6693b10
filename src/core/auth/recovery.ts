import { randomBytes } from 'node:crypto';
import { constantTimeEqual, hkdf, hmacSha256 } from '../crypto/kdf.js';
import type { UserRecord } from '../vault/schema.js';

/**
 * Single-use recovery codes: 10 per user, 60 bits each (`xxxxx-xxxxx-xx` in
 * Crockford-like base32), stored only as HMACs under a key derived from the root
 * key, so a stolen vault file does not allow offline guessing.
 */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_PATTERN = /^[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{2}$/;

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(12);
    const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 12)}`;
  });
}

/**
 * The canonical `xxxxx-xxxxx-xx` form of a code as typed: case, spaces and dashes do not
 * matter (people copy codes without the dashes, or read them aloud in groups).
 */
export function normalizeRecoveryCode(code: string): string {
  const bare = code.toLowerCase().replace(/[\s-]/g, '');
  return bare.length === 12 ? `${bare.slice(0, 5)}-${bare.slice(5, 10)}-${bare.slice(10)}` : code.trim().toLowerCase();
}

function recoveryKey(rootKey: Buffer, vaultId: string): Buffer {
  return hkdf(rootKey, vaultId, 'circle/recovery-codes/v1');
}

export function hashRecoveryCode(rootKey: Buffer, vaultId: string, user: string, code: string): string {
  return hmacSha256(recoveryKey(rootKey, vaultId), `${user}|${normalizeRecoveryCode(code)}`).toString('base64');
}

/** Index of the unused code matching `code`, or -1. */
export function findRecoveryCode(record: UserRecord, rootKey: Buffer, vaultId: string, code: string): number {
  const hash = Buffer.from(hashRecoveryCode(rootKey, vaultId, record.name, code), 'base64');
  let found = -1;
  record.mfa.recoveryCodes.forEach((entry, i) => {
    if (!entry.usedAt && constantTimeEqual(Buffer.from(entry.hash, 'base64'), hash) && found < 0) found = i;
  });
  return found;
}
