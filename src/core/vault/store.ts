import { join } from 'node:path';
import { CircleError, isCircleError } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { parseDocument, serializeDocument, type DocumentKind } from '../home/document.js';
import { localStateFile } from '../store/local.js';
import { canonicalJson } from '../crypto/canonical.js';
import { constantTimeEqual, hkdf, hmacSha256, sha256 } from '../crypto/kdf.js';
import { vaultDataSchema, type VaultBody, type VaultData } from './schema.js';

export const VAULT_FILE = 'vault.json';
export const vaultDocument: DocumentKind<VaultData> = { format: 'circle-vault', version: 1, schema: vaultDataSchema };

export function vaultPath(home: string): string {
  return join(home, VAULT_FILE);
}

function integrity(file: string, why: string): CircleError {
  return new CircleError('INTEGRITY', `The vault ${file} failed its integrity check: ${why}`, {
    hint: 'Nothing was changed. Restore vault.json from a backup; do not edit it by hand.',
    details: { file },
  });
}

/**
 * Reads the vault without any key: JSON + schema, byte-exact canonical form and
 * the checksum, so a flipped byte anywhere is INTEGRITY/STATE_CORRUPT (exit 5)
 * before a password is even tried. Undefined when no vault exists.
 */
export async function readVaultUnverified(home: string): Promise<VaultData | undefined> {
  const file = vaultPath(home);
  const bytes = await readFileIfExists(file);
  if (bytes === undefined) return undefined;
  const { data } = parseDocument(vaultDocument, file, bytes);
  // Whitespace or key-order edits leave the JSON equivalent; the file must be exactly what we wrote.
  if (!bytes.equals(Buffer.from(serializeDocument(vaultDocument, data), 'utf8'))) {
    throw integrity(file, 'it is not in the form circle writes');
  }
  if (!constantTimeEqual(Buffer.from(checksumOf(data), 'hex'), Buffer.from(data.checksum, 'hex'))) {
    throw integrity(file, 'its checksum does not match');
  }
  return data;
}

export async function readVaultOrFail(home: string): Promise<VaultData> {
  const data = await readVaultUnverified(home);
  if (!data) {
    throw new CircleError('NOT_FOUND', `No vault in ${home}`, { hint: 'Create one with `circle init`.', details: { home } });
  }
  return data;
}

function macKey(rootKey: Buffer, vaultId: string): Buffer {
  return hkdf(rootKey, vaultId, 'circle/vault-mac/v1');
}

function bodyOf(data: VaultData | VaultBody): VaultBody {
  const { mac: _mac, checksum: _checksum, ...body } = data as VaultData;
  return body;
}

function macOf(body: VaultBody, rootKey: Buffer): string {
  return hmacSha256(macKey(rootKey, body.vaultId), canonicalJson(body)).toString('base64');
}

function checksumOf(data: VaultData): string {
  return sha256(canonicalJson({ ...bodyOf(data), mac: data.mac })).toString('hex');
}

/** Proves the vault was last written by someone holding `rootKey`; INTEGRITY (exit 5) otherwise. */
export function verifyVaultMac(home: string, data: VaultData, rootKey: Buffer): void {
  const expected = Buffer.from(macOf(bodyOf(data), rootKey), 'base64');
  if (!constantTimeEqual(expected, Buffer.from(data.mac, 'base64'))) {
    throw integrity(vaultPath(home), 'its authentication code does not match (edited, or records swapped)');
  }
}

export function sealVaultData(body: VaultBody, rootKey: Buffer): VaultData {
  const parsed = bodyOf(vaultDataSchema.parse({ ...body, mac: '', checksum: '0'.repeat(64) }));
  const mac = macOf(parsed, rootKey);
  const withMac = { ...parsed, mac, checksum: '0'.repeat(64) };
  return { ...withMac, checksum: checksumOf(withMac) };
}

/** Writes a brand-new vault; ALREADY_EXISTS (exit 6) if one appeared meanwhile. */
export async function createVaultFile(home: string, body: VaultBody, rootKey: Buffer): Promise<void> {
  const { store, key } = localStateFile(vaultPath(home));
  try {
    await store.createOnly(key, serializeDocument(vaultDocument, vaultDocument.schema.parse(sealVaultData(body, rootKey))));
  } catch (error) {
    if (isCircleError(error) && error.code === 'ALREADY_EXISTS') {
      throw new CircleError('ALREADY_EXISTS', `A vault already exists in ${home}`, { hint: 'Nothing was changed. Use `circle auth login`.', details: { home } });
    }
    throw error;
  }
}

/**
 * Locked read-verify-modify-write. `change` gets a verified copy and returns the
 * new body and the root key to seal it with (a re-key passes the new one), or
 * undefined to leave the file alone.
 */
export interface VaultKeys {
  home: string;
  rootKey: Buffer;
  /** The root key generation `rootKey` belongs to. */
  generation: number;
}

export function rekeyedError(): CircleError {
  return new CircleError('SESSION_EXPIRED', 'The vault was re-keyed since this session or token unlocked it', {
    hint: 'Log in again with `circle auth login`.',
  });
}

export async function updateVault<R>(
  keys: VaultKeys,
  change: (current: VaultData) => Promise<{ body: VaultBody; rootKey?: Buffer; result: R } | { result: R; body?: undefined }> | { body: VaultBody; rootKey?: Buffer; result: R } | { result: R; body?: undefined },
): Promise<R> {
  const { store, key } = localStateFile(vaultPath(keys.home));
  return store.update(key, async () => {
    // Read and verified as every vault read is (same errors), rather than from the store's bytes.
    const current = await readVaultOrFail(keys.home);
    if (current.generation !== keys.generation) throw rekeyedError();
    verifyVaultMac(keys.home, current, keys.rootKey);
    const outcome = await change(structuredClone(current));
    if (!outcome.body) return { result: outcome.result };
    return { bytes: serializeDocument(vaultDocument, vaultDocument.schema.parse(sealVaultData(outcome.body, outcome.rootKey ?? keys.rootKey))), result: outcome.result };
  });
}
