import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { z } from 'zod';
import { CircleError } from '../errors.js';
import { ensurePrivateDir } from '../home/paths.js';
import { readDocument, writeDocument, type DocumentKind } from '../home/document.js';
import { syncDir } from '../home/atomic.js';
import { withLock } from '../home/lock.js';
import type { VaultContext } from '../vault/context.js';
import { getInternal, putInternal } from '../vault/internal-records.js';
import { updateVault } from '../vault/store.js';
import { rawEd25519PublicKey } from '../crypto/ed25519.js';
import { generateOkpKeyPair, okpPrivateKey, okpPublicFromPrivate, okpRawPrivateKey } from '../crypto/okp.js';
import { formatVerifierKey, isValidKeyName, parseVerifierKey } from '../crypto/signed-note.js';
import { rawX25519PublicKey, x25519PublicKeyObject } from '../crypto/x25519.js';
import { auditLayout } from './layout.js';

/**
 * The audit log's keys. Appending needs only the public halves, kept in clear in
 * `<home>/audit/public-keys.json` (a failed login is recorded by a process that
 * unlocked nothing); reading details needs `detailsPrivateKey` and writing a
 * checkpoint needs `signingKey`. The private halves are vault system secrets
 * (`audit.details-key`, `audit.signing-key`), made by `circle init` with the vault.
 *
 * Homes from before the vault kept the private halves in `<home>/audit-keys.json`;
 * `ensureAuditKeys` moves them into the vault (vault written first, then the file
 * is deleted) on the next unlocked command.
 */
export interface AuditKeys {
  /** The log's identity: checkpoint origin and signed-note key name. */
  origin: string;
  detailsPublicKey: KeyObject;
  detailsPrivateKey?: KeyObject;
  signingKey?: KeyObject;
  verifyKey: KeyObject;
}

/** Vault system-secret names of the private halves (raw 32-byte keys). */
export const AUDIT_DETAILS_SECRET = 'audit.details-key';
export const AUDIT_SIGNING_SECRET = 'audit.signing-key';

const b64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

interface PublicKeysDoc {
  origin: string;
  detailsPublicKey: string;
  verifierKey: string;
}

export const publicKeysKind: DocumentKind<PublicKeysDoc> = {
  format: 'circle-audit-public-keys',
  version: 1,
  schema: z.object({ origin: z.string().refine(isValidKeyName), detailsPublicKey: b64url32, verifierKey: z.string() }),
};

/** The legacy private-key file (before the vault held them). Read for migration only. */
const legacyPrivateKeysKind: DocumentKind<{ detailsPrivateKey: string; signingKey: string }> = {
  format: 'circle-audit-private-keys',
  version: 1,
  schema: z.object({ detailsPrivateKey: b64url32, signingKey: b64url32 }),
};

function newOrigin(): string {
  return `circle-core.local/audit/${randomBytes(6).toString('hex')}`;
}

/** The public halves, in clear in the home; undefined when this home has no audit log yet (no `circle init`). */
export async function loadAuditPublicKeys(homeDir: string): Promise<AuditKeys | undefined> {
  const doc = await readDocument(publicKeysKind, auditLayout(homeDir).publicKeys);
  if (!doc) return undefined;
  const verifier = parseVerifierKey(doc.verifierKey);
  if (verifier.name !== doc.origin) throw new CircleError('STATE_CORRUPT', 'The audit verifier key does not belong to this log');
  return { origin: doc.origin, detailsPublicKey: x25519PublicKeyObject(Buffer.from(doc.detailsPublicKey, 'base64url')), verifyKey: verifier.publicKey };
}

/** Writes the public halves (the log's clear identity). */
export async function publishAuditPublicKeys(homeDir: string, keys: AuditKeys): Promise<void> {
  const layout = auditLayout(homeDir);
  await ensurePrivateDir(layout.dir);
  await writeDocument(publicKeysKind, layout.publicKeys, {
    origin: keys.origin,
    detailsPublicKey: rawX25519PublicKey(keys.detailsPublicKey).toString('base64url'),
    verifierKey: formatVerifierKey(keys.origin, keys.verifyKey),
  });
}

/** Rebuilds the private KeyObjects from their raw `d` values and checks they belong to `pub`. */
function withPrivateHalves(pub: AuditKeys, details: string, signing: string, source: string): Required<AuditKeys> {
  const x = rawX25519PublicKey(pub.detailsPublicKey);
  const vx = rawEd25519PublicKey(pub.verifyKey);
  let detailsPrivateKey: KeyObject;
  let signingKey: KeyObject;
  try {
    detailsPrivateKey = okpPrivateKey('X25519', Buffer.from(details, 'base64url'), x);
    signingKey = okpPrivateKey('Ed25519', Buffer.from(signing, 'base64url'), vx);
  } catch (error) {
    throw new CircleError('STATE_CORRUPT', 'The audit private keys are malformed', { details: { source }, cause: error });
  }
  // A private half that does not match its public half means a swapped file: refuse it rather than sign garbage.
  if (!rawX25519PublicKey(detailsPrivateKey).equals(x) || !rawEd25519PublicKey(signingKey).equals(vx)) {
    throw new CircleError('STATE_CORRUPT', 'The audit private keys do not match the public keys', { details: { source } });
  }
  return { ...pub, detailsPrivateKey, signingKey };
}

/** Public halves derived from private ones (to re-publish a lost public file). */
function fromPrivate(origin: string, detailsD: string, signingD: string): Required<AuditKeys> {
  return withPublicHalves(origin, Buffer.from(detailsD, 'base64url'), Buffer.from(signingD, 'base64url'));
}

/** A full key set from the raw private halves (and their public halves, when known: a faster import). */
function withPublicHalves(origin: string, details: Buffer, signing: Buffer, publics?: { details: Buffer; signing: Buffer }): Required<AuditKeys> {
  const detailsPublic = publics?.details ?? okpPublicFromPrivate('X25519', details);
  const signingPublic = publics?.signing ?? okpPublicFromPrivate('Ed25519', signing);
  const detailsPrivateKey = okpPrivateKey('X25519', details, detailsPublic);
  const signingKey = okpPrivateKey('Ed25519', signing, signingPublic);
  return { origin, detailsPrivateKey, signingKey, detailsPublicKey: createPublicKey(detailsPrivateKey), verifyKey: createPublicKey(signingKey) };
}

async function readLegacyPrivate(homeDir: string): Promise<{ detailsPrivateKey: string; signingKey: string } | undefined> {
  return readDocument(legacyPrivateKeysKind, auditLayout(homeDir).privateKeys);
}

/** The stored origin: it names the log, so a re-published public file must keep it. */
const ORIGIN_SECRET = 'audit.origin';

interface VaultAuditSecrets {
  origin?: string;
  details: string;
  signing: string;
}

async function readVaultSecrets(vault: VaultContext): Promise<VaultAuditSecrets | undefined> {
  const data = await vault.reload();
  const details = await getInternal(data, vault, 'system', AUDIT_DETAILS_SECRET);
  const signing = await getInternal(data, vault, 'system', AUDIT_SIGNING_SECRET);
  if (!details || !signing) return undefined;
  const origin = await getInternal(data, vault, 'system', ORIGIN_SECRET);
  try {
    return { details: details.toString('base64url'), signing: signing.toString('base64url'), ...(origin ? { origin: origin.toString('utf8') } : {}) };
  } finally {
    details.fill(0);
    signing.fill(0);
  }
}

/** The system secrets that hold a key set, for a vault body being written. */
export function auditKeySecrets(keys: Required<AuditKeys>): { name: string; bytes: Buffer }[] {
  return [
    { name: AUDIT_DETAILS_SECRET, bytes: okpRawPrivateKey('X25519', keys.detailsPrivateKey) },
    { name: AUDIT_SIGNING_SECRET, bytes: okpRawPrivateKey('Ed25519', keys.signingKey) },
    { name: ORIGIN_SECRET, bytes: Buffer.from(keys.origin, 'utf8') },
  ];
}

/**
 * The audit keys. Without `vault`: the public halves only (enough to append);
 * NOT_FOUND when the home has no audit log. With an unlocked `vault`: the private
 * halves its role allows too, from the vault (or, until migrated, from the legacy
 * file): `detailsPrivateKey` with `audit.read`, `signingKey` with
 * `audit.checkpoint`. Reads only: making or moving keys is `ensureAuditKeys`.
 */
export async function loadAuditKeys(homeDir: string, vault?: VaultContext): Promise<AuditKeys> {
  return vault ? allowedHalves(await loadAllAuditKeys(homeDir, vault), vault) : loadAllAuditKeys(homeDir);
}

/**
 * The public halves plus the signing key, whatever the role: for the home's own
 * audit sink, which signs automatic checkpoints on behalf of the log while any
 * user's action is appended. Internal to core (not exported from the package).
 */
export async function loadAuditSinkKeys(homeDir: string, vault: VaultContext): Promise<AuditKeys> {
  const { detailsPrivateKey: _details, ...keys } = await loadAllAuditKeys(homeDir, vault);
  return keys;
}

async function loadAllAuditKeys(homeDir: string, vault?: VaultContext): Promise<AuditKeys> {
  const pub = await loadAuditPublicKeys(homeDir);
  if (vault) {
    const secrets = await readVaultSecrets(vault);
    if (secrets) {
      if (pub) return withPrivateHalves(pub, secrets.details, secrets.signing, 'vault');
      if (secrets.origin) return fromPrivate(secrets.origin, secrets.details, secrets.signing);
    }
    const legacy = pub ? await readLegacyPrivate(homeDir) : undefined;
    if (pub && legacy) return withPrivateHalves(pub, legacy.detailsPrivateKey, legacy.signingKey, auditLayout(homeDir).privateKeys);
  }
  if (!pub) throw noAuditLog(homeDir);
  return pub;
}

/** The key set without the private halves `vault`'s role may not hold. */
function allowedHalves(keys: AuditKeys, vault: VaultContext): AuditKeys {
  const { detailsPrivateKey, signingKey, ...pub } = keys;
  return {
    ...pub,
    ...(detailsPrivateKey && vault.can('audit.read') ? { detailsPrivateKey } : {}),
    ...(signingKey && vault.can('audit.checkpoint') ? { signingKey } : {}),
  };
}

export function noAuditLog(homeDir: string): CircleError {
  return new CircleError('NOT_FOUND', `This home has no audit log yet (${homeDir})`, { hint: 'It is created with the vault by `circle init`.' });
}

/**
 * Makes the home's audit keys consistent with an unlocked vault, writing only
 * when something is off: moves a legacy `audit-keys.json` into the vault (vault
 * first, then the file is deleted), re-publishes a lost public file from the
 * vault, or makes keys for a vault that has none. Returns the full key set, or
 * the public halves when the private ones are lost. Any unlocked role may run
 * this migration; the private halves returned are those `loadAuditKeys` allows.
 */
export async function ensureAuditKeys(vault: VaultContext): Promise<AuditKeys> {
  return allowedHalves(await repairAuditKeySet(vault), vault);
}

async function repairAuditKeySet(vault: VaultContext): Promise<AuditKeys> {
  const homeDir = vault.home;
  const layout = auditLayout(homeDir);
  await ensurePrivateDir(layout.dir);
  return withLock(layout.publicKeys, async () => {
    const pub = await loadAuditPublicKeys(homeDir);
    const legacy = await readLegacyPrivate(homeDir);
    const inVault = await readVaultSecrets(vault);
    let keys: AuditKeys;
    if (inVault) {
      keys = pub ? withPrivateHalves(pub, inVault.details, inVault.signing, 'vault') : fromPrivate(inVault.origin ?? newOrigin(), inVault.details, inVault.signing);
    } else if (pub && legacy) {
      const full = withPrivateHalves(pub, legacy.detailsPrivateKey, legacy.signingKey, layout.privateKeys);
      await storeInVault(vault, full);
      keys = full;
    } else if (pub) {
      // The private halves are gone (legacy file deleted by hand): entries can still be appended and
      // verified; details cannot be read and no checkpoint can be signed. Nothing to repair here.
      return pub;
    } else {
      keys = generateAuditKeys();
      await storeInVault(vault, keys as Required<AuditKeys>);
    }
    if (!pub) await publishAuditPublicKeys(homeDir, keys);
    if (legacy) await removeLegacyAuditKeys(homeDir);
    return keys;
  });
}

async function storeInVault(vault: VaultContext, keys: Required<AuditKeys>): Promise<void> {
  const secrets = auditKeySecrets(keys);
  try {
    await updateVault(vault.keys, (current) => {
      for (const s of secrets) putInternal(current, vault, 'system', s.name, s.bytes);
      return { body: current, result: undefined };
    });
  } finally {
    for (const s of secrets) s.bytes.fill(0);
  }
}

/** Deletes the legacy private-key file once the vault holds its keys. */
export async function removeLegacyAuditKeys(homeDir: string): Promise<void> {
  try {
    await unlink(auditLayout(homeDir).privateKeys);
    await syncDir(homeDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** True when the home still has the legacy private-key file, or a vault but no public keys (cheap: two stats). */
export async function auditKeysNeedRepair(homeDir: string): Promise<boolean> {
  const { access } = await import('node:fs/promises');
  const exists = (p: string) => access(p).then(() => true, () => false);
  const layout = auditLayout(homeDir);
  return (await exists(layout.privateKeys)) || !(await exists(layout.publicKeys));
}

/**
 * The key set for a vault being created by `circle init`: a legacy key set
 * when this home already has a log from before (so the log keeps its identity),
 * else fresh keys. Refuses when the home has a log whose private keys are lost.
 */
export async function auditKeysForNewVault(homeDir: string): Promise<Required<AuditKeys>> {
  const pub = await loadAuditPublicKeys(homeDir);
  if (!pub) return generateAuditKeys();
  const legacy = await readLegacyPrivate(homeDir);
  if (legacy) return withPrivateHalves(pub, legacy.detailsPrivateKey, legacy.signingKey, auditLayout(homeDir).privateKeys);
  throw new CircleError('ALREADY_EXISTS', `${auditLayout(homeDir).dir} holds an audit log whose private keys are not here`, {
    hint: 'Nothing was changed. Move that audit/ folder aside (keep it for its history) and run `circle init` again.',
  });
}

/**
 * Fresh in-memory keys, for tests and library users that keep keys elsewhere.
 * Made by crypto/okp.ts, which never exports a key-generation job's KeyObject
 * (that can hang Node 20); these keys are exported as raw bytes when saved.
 */
export function generateAuditKeys(origin = newOrigin()): Required<AuditKeys> {
  const details = generateOkpKeyPair('X25519');
  const signing = generateOkpKeyPair('Ed25519');
  return withPublicHalves(origin, details.privateKey, signing.privateKey, { details: details.publicKey, signing: signing.publicKey });
}

export function verifierKeyString(keys: Pick<AuditKeys, 'origin' | 'verifyKey'>): string {
  return formatVerifierKey(keys.origin, keys.verifyKey);
}
