import { z } from 'zod';
import { CircleError } from '../errors.js';
import { ed25519FromSpki, ed25519PublicPem, ed25519Spki, generateEd25519KeyPair, spkiKeyId } from '../crypto/ed25519.js';
import type { VaultContext } from '../vault/context.js';
import { getInternal, putInternal } from '../vault/internal-records.js';
import { updateVault } from '../vault/store.js';
import type { TrustedKey } from './signing.js';

/**
 * Publisher keys and the trust list, both sealed in the vault (system secrets
 * `pkg.publisher-keys` and `pkg.trust`), not in clear files: someone who can write
 * the home cannot plant a trusted key, and a copy of the home holds no usable seed.
 * Changing either needs `pkg.publish` (maintainer, admin); core checks it.
 */
const PUBLISHER_KEYS = 'pkg.publisher-keys';
const TRUST = 'pkg.trust';

const publisherKeySchema = z.object({
  keyid: z.string(),
  seed: z.string(),
  publicKey: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().optional(),
});
const publisherKeysSchema = z.object({ keys: z.array(publisherKeySchema) });
type PublisherKeys = z.infer<typeof publisherKeysSchema>;

const trustEntrySchema = z.object({
  keyid: z.string(),
  publicKey: z.string(),
  scope: z.string().optional(),
  addedAt: z.string(),
  addedBy: z.string(),
  revokedAt: z.string().optional(),
});
const trustSchema = z.object({ keys: z.array(trustEntrySchema) });
type TrustList = z.infer<typeof trustSchema>;
export type TrustEntry = z.infer<typeof trustEntrySchema>;

export interface PublisherKeyInfo {
  keyid: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  active: boolean;
}

async function readJsonSecret<T>(ctx: VaultContext, name: string, schema: z.ZodType<T>, empty: T): Promise<T> {
  const data = await ctx.reload();
  return decode(await getInternal(data, ctx, 'system', name), name, schema, empty);
}

function decode<T>(bytes: Buffer | undefined, name: string, schema: z.ZodType<T>, empty: T): T {
  if (!bytes) return structuredClone(empty);
  try {
    return schema.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw new CircleError('STATE_CORRUPT', `The vault record ${name} is malformed`);
  } finally {
    bytes.fill(0);
  }
}

/** Read-modify-write under the vault lock, so two processes cannot drop each other's change. */
async function updateJsonSecret<T, R>(ctx: VaultContext, name: string, schema: z.ZodType<T>, empty: T, change: (value: T) => R): Promise<R> {
  return updateVault(ctx.keys, async (current) => {
    const value = decode(await getInternal(current, ctx, 'system', name), name, schema, empty);
    const result = change(value);
    putInternal(current, ctx, 'system', name, Buffer.from(JSON.stringify(value), 'utf8'));
    return { body: current, result };
  });
}

const toInfo = (k: PublisherKeys['keys'][number]): PublisherKeyInfo => ({
  keyid: k.keyid,
  createdAt: k.createdAt,
  createdBy: k.createdBy,
  ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
  active: k.revokedAt === undefined,
});

/** A new publisher key, trusted at once by this vault (for every scope). */
export async function createPublisherKey(ctx: VaultContext): Promise<PublisherKeyInfo & { publicKeyPem: string }> {
  await ctx.require('pkg.publish', 'pkg.keys');
  const pair = generateEd25519KeyPair();
  const keyid = spkiKeyId(pair.publicKey);
  const now = new Date().toISOString();
  const entry = { keyid, seed: pair.seed.toString('base64'), publicKey: pair.publicKey.toString('base64'), createdAt: now, createdBy: ctx.actor.id };
  pair.seed.fill(0);
  await updateJsonSecret(ctx, PUBLISHER_KEYS, publisherKeysSchema, { keys: [] }, (doc) => {
    doc.keys.push(entry);
  });
  await updateJsonSecret(ctx, TRUST, trustSchema, { keys: [] }, (doc) => {
    doc.keys.push({ keyid, publicKey: entry.publicKey, addedAt: now, addedBy: ctx.actor.id });
  });
  await ctx.record({ action: 'pkg.keys.create', outcome: 'success', target: keyid });
  return { ...toInfo(entry), publicKeyPem: ed25519PublicPem(pair.publicKey) };
}

export async function listPublisherKeys(ctx: VaultContext): Promise<PublisherKeyInfo[]> {
  const doc = await readJsonSecret(ctx, PUBLISHER_KEYS, publisherKeysSchema, { keys: [] });
  return doc.keys.map(toInfo);
}

/** The newest unrevoked key, with its seed (for signing); NOT_FOUND when there is none. */
export async function activePublisherKey(ctx: VaultContext): Promise<{ keyid: string; seed: Buffer; publicKey: Buffer }> {
  const doc = await readJsonSecret(ctx, PUBLISHER_KEYS, publisherKeysSchema, { keys: [] });
  const key = [...doc.keys].reverse().find((k) => k.revokedAt === undefined);
  if (!key) throw new CircleError('NOT_FOUND', 'No active publisher key in this vault', { hint: 'Create one with `circle pkg keys create`.' });
  return { keyid: key.keyid, seed: Buffer.from(key.seed, 'base64'), publicKey: Buffer.from(key.publicKey, 'base64') };
}

export async function exportPublisherKey(ctx: VaultContext, keyid?: string): Promise<{ keyid: string; publicKey: string; publicKeyPem: string }> {
  const doc = await readJsonSecret(ctx, PUBLISHER_KEYS, publisherKeysSchema, { keys: [] });
  const key = keyid ? doc.keys.find((k) => k.keyid === keyid) : [...doc.keys].reverse().find((k) => k.revokedAt === undefined);
  if (!key) throw new CircleError('NOT_FOUND', keyid ? `No publisher key ${keyid}` : 'No active publisher key in this vault', { hint: 'List them with `circle pkg keys list`.' });
  const raw = Buffer.from(key.publicKey, 'base64');
  return { keyid: key.keyid, publicKey: ed25519Spki(raw).toString('base64'), publicKeyPem: ed25519PublicPem(raw) };
}

/** Marks a publisher key revoked now, here and in this vault's trust list. */
export async function revokePublisherKey(ctx: VaultContext, keyid: string): Promise<PublisherKeyInfo> {
  await ctx.require('pkg.publish', keyid);
  const now = new Date().toISOString();
  const revoked = await updateJsonSecret(ctx, PUBLISHER_KEYS, publisherKeysSchema, { keys: [] }, (doc) => {
    const key = doc.keys.find((k) => k.keyid === keyid);
    if (!key) throw new CircleError('NOT_FOUND', `No publisher key ${keyid}`, { hint: 'List them with `circle pkg keys list`.' });
    key.revokedAt ??= now;
    return toInfo(key);
  });
  await updateJsonSecret(ctx, TRUST, trustSchema, { keys: [] }, (doc) => {
    for (const k of doc.keys) if (k.keyid === keyid) k.revokedAt ??= revoked.revokedAt;
  });
  await ctx.record({ action: 'pkg.keys.revoke', outcome: 'success', target: keyid });
  return revoked;
}

/**
 * Parses what `pkg keys export` prints: a PEM public key, base64 DER SPKI, or a raw
 * 32-byte key in base64. A bare keyid is accepted only when the registry's keys
 * document supplies the key (the caller passes it).
 */
export function parsePublicKey(text: string): Buffer {
  const body = text.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  const bytes = /^[A-Za-z0-9+/=]+$/.test(body) ? Buffer.from(body, 'base64') : Buffer.alloc(0);
  if (bytes.length === 32) return bytes;
  const raw = ed25519FromSpki(bytes);
  if (raw) return Buffer.from(raw);
  throw new CircleError('USAGE', 'Not an Ed25519 public key', { hint: 'Pass what `circle pkg keys export` prints (a PEM block or base64 SPKI).' });
}

export async function addTrustedKey(ctx: VaultContext, publicKey: Buffer, scope?: string): Promise<TrustEntry> {
  await ctx.require('pkg.publish', 'pkg.trust');
  if (scope !== undefined && !/^@[a-z0-9][a-z0-9._~-]*$/.test(scope)) throw new CircleError('USAGE', `Invalid scope ${JSON.stringify(scope.slice(0, 100))}`, { hint: 'A scope looks like @acme.' });
  const keyid = spkiKeyId(publicKey);
  const entry: TrustEntry = { keyid, publicKey: publicKey.toString('base64'), ...(scope ? { scope } : {}), addedAt: new Date().toISOString(), addedBy: ctx.actor.id };
  await updateJsonSecret(ctx, TRUST, trustSchema, { keys: [] }, (doc) => {
    if (doc.keys.some((k) => k.keyid === keyid && k.scope === entry.scope)) throw new CircleError('ALREADY_EXISTS', `Key ${keyid} is already trusted${scope ? ` for ${scope}` : ''}`);
    doc.keys.push(entry);
  });
  await ctx.record({ action: 'pkg.trust.add', outcome: 'success', target: keyid, ...(scope ? { details: { scope } } : {}) });
  return entry;
}

export async function removeTrustedKey(ctx: VaultContext, keyid: string, scope?: string): Promise<number> {
  await ctx.require('pkg.publish', 'pkg.trust');
  const removed = await updateJsonSecret(ctx, TRUST, trustSchema, { keys: [] }, (doc) => {
    const before = doc.keys.length;
    doc.keys = doc.keys.filter((k) => !(k.keyid === keyid && (scope === undefined || k.scope === scope)));
    if (doc.keys.length === before) throw new CircleError('NOT_FOUND', `Key ${keyid} is not in the trust list`);
    return before - doc.keys.length;
  });
  await ctx.record({ action: 'pkg.trust.rm', outcome: 'success', target: keyid });
  return removed;
}

export async function listTrustedKeys(ctx: VaultContext): Promise<TrustEntry[]> {
  return (await readJsonSecret(ctx, TRUST, trustSchema, { keys: [] })).keys;
}

export async function trustedKeys(ctx: VaultContext): Promise<TrustedKey[]> {
  return (await listTrustedKeys(ctx)).map((k) => ({
    keyid: k.keyid,
    publicKey: Buffer.from(k.publicKey, 'base64'),
    ...(k.scope ? { scope: k.scope } : {}),
    ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
  }));
}
