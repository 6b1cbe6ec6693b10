import { z } from 'zod';
import { CircleError } from '../errors.js';
import { ed25519PublicPem, generateEd25519KeyPair, spkiKeyId } from '../crypto/ed25519.js';
import type { VaultContext } from '../vault/context.js';
import { getInternal, putInternal } from '../vault/internal-records.js';
import { updateVault } from '../vault/store.js';
import type { VaultBody } from '../vault/schema.js';
import { newLicenseKey } from './envelope.js';
import { SERIAL } from './payload.js';
import { signRevocationList } from './revocations.js';
import { licensePayload, newSerial, signLicensePayload, type LicenseTerms } from './sign.js';
import { licenseInfo } from './payload.js';
import type {
  LicenseIssueResult,
  LicenseKeygenResult,
  LicenseKeyInfo,
  LicenseKeysListResult,
  LicenseLedgerEntry,
  LicenseListResult,
  LicenseRevocationsExportResult,
  LicenseRevokeResult,
  RevocationListInfo,
} from './types.js';

/**
 * The issuer side of `circle license`: Ed25519 issuer keys and the issue ledger,
 * both sealed in the vault as system secrets (`license.key.<name>` holds a raw
 * seed; `license.ledger` the key list, every license issued and every
 * revocation). Each change is one `updateVault` (under the vault lock, MAC
 * checked) followed by its audit entry, so the ledger and the audit log tell the
 * same story. Issuing, revoking and key changes need `license.issue`.
 */
const LEDGER_SECRET = 'license.ledger';
const keySecret = (name: string) => `license.key.${name}`;
export const KEY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const iso = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not a date');
const ledgerKey = z.object({ name: z.string().regex(KEY_NAME), kid: z.string(), publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/), created: iso });
const ledgerLicense = z.object({
  serial: z.string().regex(SERIAL),
  kid: z.string(),
  keyName: z.string(),
  licensee: z.string(),
  product: z.string(),
  entitlements: z.array(z.string()),
  issued: iso,
  expires: iso.optional(),
  trial: z.boolean(),
  machine: z.string().optional(),
  seats: z.number().int().positive().optional(),
  encrypted: z.boolean(),
  issuedBy: z.string(),
  licenseKey: z.string().optional(),
  revoked: z.object({ at: iso, by: z.string(), reason: z.string().optional() }).optional(),
});
const ledgerSchema = z.object({ v: z.literal(1), keys: z.array(ledgerKey), licenses: z.array(ledgerLicense) });
type Ledger = z.infer<typeof ledgerSchema>;
type LedgerKey = z.infer<typeof ledgerKey>;

const emptyLedger = (): Ledger => ({ v: 1, keys: [], licenses: [] });

async function readLedger(body: Pick<VaultBody, 'records'>, ctx: VaultContext): Promise<Ledger> {
  const bytes = await getInternal(body, ctx, 'system', LEDGER_SECRET);
  if (!bytes) return emptyLedger();
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = ledgerSchema.safeParse(parsed);
  if (!result.success) throw new CircleError('STATE_CORRUPT', 'The license ledger in the vault is corrupt', { hint: 'Nothing was changed. Restore the vault from a backup.' });
  return result.data;
}

function writeLedger(body: Pick<VaultBody, 'records'>, ctx: VaultContext, ledger: Ledger): void {
  putInternal(body, ctx, 'system', LEDGER_SECRET, Buffer.from(JSON.stringify(ledger), 'utf8'));
}

function keyInfo(k: LedgerKey): LicenseKeyInfo {
  return { name: k.name, kid: k.kid, publicKey: k.publicKey, pem: ed25519PublicPem(Buffer.from(k.publicKey, 'base64')), created: k.created };
}

function ledgerEntry(l: Ledger['licenses'][number]): LicenseLedgerEntry {
  const { licenseKey: _secret, ...entry } = l;
  return entry;
}

/** Makes a new named issuer key (ALREADY_EXISTS if the name is taken). */
export async function createIssuerKey(ctx: VaultContext, name = 'default'): Promise<LicenseKeygenResult> {
  if (!KEY_NAME.test(name)) throw new CircleError('USAGE', `Invalid key name ${JSON.stringify(name)}`, { hint: 'Lower-case letters, digits, ".", "_" and "-", up to 64.' });
  await ctx.require('license.issue', `license-key:${name}`);
  const pair = generateEd25519KeyPair();
  const key: LedgerKey = { name, kid: spkiKeyId(pair.publicKey), publicKey: pair.publicKey.toString('base64'), created: new Date().toISOString() };
  try {
    await updateVault(ctx.keys, async (current) => {
      const ledger = await readLedger(current, ctx);
      if (ledger.keys.some((k) => k.name === name)) {
        throw new CircleError('ALREADY_EXISTS', `An issuer key named "${name}" already exists`, { hint: 'Pick another --name; keys are never replaced, so licenses already issued keep verifying.' });
      }
      ledger.keys.push(key);
      putInternal(current, ctx, 'system', keySecret(name), pair.seed);
      writeLedger(current, ctx, ledger);
      return { body: current, result: undefined };
    });
  } finally {
    pair.seed.fill(0);
  }
  await ctx.record({ action: 'license.keygen', outcome: 'success', target: `license-key:${name}`, details: { kid: key.kid } });
  return { key: keyInfo(key) };
}

/** The issuer public keys (not secret; any vault user may list them). */
export async function listIssuerKeys(ctx: VaultContext): Promise<LicenseKeysListResult> {
  const ledger = await readLedger(await ctx.reload(), ctx);
  return { keys: ledger.keys.map(keyInfo) };
}

function pickKey(ledger: Ledger, keyName: string | undefined, product?: string): LedgerKey {
  if (ledger.keys.length === 0) throw new CircleError('NOT_FOUND', 'This vault has no license issuer key', { hint: 'Make one with `circle license keygen`.' });
  if (keyName !== undefined) {
    const key = ledger.keys.find((k) => k.name === keyName);
    if (!key) throw new CircleError('NOT_FOUND', `No issuer key named "${keyName}"`, { hint: 'See `circle license keys list`.' });
    return key;
  }
  const byProduct = product === undefined ? undefined : ledger.keys.find((k) => k.name === product.toLowerCase());
  if (byProduct) return byProduct;
  if (ledger.keys.length === 1) return ledger.keys[0]!;
  const fallback = ledger.keys.find((k) => k.name === 'default');
  if (fallback) return fallback;
  throw new CircleError('USAGE', 'This vault has several issuer keys; say which one', { hint: `Pass --key (one of: ${ledger.keys.map((k) => k.name).join(', ')}).` });
}

/** One key's public half, by name (or the only/default key). */
export async function getIssuerKey(ctx: VaultContext, keyName?: string): Promise<LicenseKeyInfo> {
  return keyInfo(pickKey(await readLedger(await ctx.reload(), ctx), keyName));
}

async function readSeed(body: Pick<VaultBody, 'records'>, ctx: VaultContext, key: LedgerKey): Promise<Buffer> {
  const seed = await getInternal(body, ctx, 'system', keySecret(key.name));
  if (!seed || seed.length !== 32) throw new CircleError('STATE_CORRUPT', `The private half of issuer key "${key.name}" is missing from the vault`);
  return seed;
}

export interface IssueInput {
  terms: LicenseTerms;
  keyName?: string;
  encrypt?: boolean;
  now?: number;
}

/** Signs a license with an issuer key from the vault and records it in the ledger. */
export async function issueLicense(ctx: VaultContext, input: IssueInput): Promise<LicenseIssueResult> {
  await ctx.require('license.issue', `license-product:${input.terms.product}`);
  const issued = input.now ?? Date.now();
  const result = await updateVault(ctx.keys, async (current) => {
    const ledger = await readLedger(current, ctx);
    const key = pickKey(ledger, input.keyName, input.terms.product);
    let serial = newSerial();
    while (ledger.licenses.some((l) => l.serial === serial)) serial = newSerial();
    let payload;
    try {
      payload = licensePayload(input.terms, key.kid, issued, serial);
    } catch (error) {
      throw new CircleError('USAGE', (error as Error).message);
    }
    const licenseKey = input.encrypt ? newLicenseKey() : undefined;
    const seed = await readSeed(current, ctx, key);
    let text: string;
    try {
      text = signLicensePayload(payload, seed, licenseKey);
    } finally {
      seed.fill(0);
    }
    ledger.licenses.push({
      serial,
      kid: key.kid,
      keyName: key.name,
      licensee: payload.licensee,
      product: payload.product,
      entitlements: payload.entitlements,
      issued: payload.issued,
      ...(payload.expires === undefined ? {} : { expires: payload.expires }),
      trial: payload.trial,
      ...(payload.machine === undefined ? {} : { machine: payload.machine }),
      ...(payload.seats === undefined ? {} : { seats: payload.seats }),
      encrypted: licenseKey !== undefined,
      issuedBy: `${ctx.actor.type}:${ctx.actor.id}`,
      ...(licenseKey === undefined ? {} : { licenseKey }),
    });
    writeLedger(current, ctx, ledger);
    const out: LicenseIssueResult = { serial, kid: key.kid, keyName: key.name, license: licenseInfo(payload), text, ...(licenseKey === undefined ? {} : { licenseKey }) };
    return { body: current, result: out };
  });
  await ctx.record({
    action: 'license.issue',
    outcome: 'success',
    target: `license:${result.serial}`,
    details: { licensee: result.license.licensee, product: result.license.product, kid: result.kid, expires: result.license.expires ?? null, trial: result.license.trial },
  });
  return result;
}

/** What was issued, newest first (license keys of encrypted licenses are not included). */
export async function listIssuedLicenses(ctx: VaultContext): Promise<LicenseListResult> {
  await ctx.require('license.issue');
  const ledger = await readLedger(await ctx.reload(), ctx);
  return { licenses: ledger.licenses.map(ledgerEntry).reverse() };
}

/** Marks a serial revoked in the ledger; `license revocations export` then signs the list. */
export async function revokeLicense(ctx: VaultContext, serial: string, reason?: string): Promise<LicenseRevokeResult> {
  if (!SERIAL.test(serial)) throw new CircleError('USAGE', `${JSON.stringify(serial)} is not a license serial (20 hex digits)`);
  await ctx.require('license.issue', `license:${serial}`);
  const at = new Date().toISOString();
  const outcome = await updateVault(ctx.keys, async (current) => {
    const ledger = await readLedger(current, ctx);
    const entry = ledger.licenses.find((l) => l.serial === serial);
    if (!entry) throw new CircleError('NOT_FOUND', `No license with serial ${serial} was issued from this vault`, { hint: 'See `circle license list`.' });
    if (entry.revoked) return { result: { serial, revokedAt: entry.revoked.at, already: true } };
    entry.revoked = { at, by: `${ctx.actor.type}:${ctx.actor.id}`, ...(reason === undefined ? {} : { reason }) };
    writeLedger(current, ctx, ledger);
    return { body: current, result: { serial, revokedAt: at, already: false } };
  });
  if (!outcome.already) await ctx.record({ action: 'license.revoke', outcome: 'success', target: `license:${serial}`, ...(reason === undefined ? {} : { details: { reason } }) });
  return outcome;
}

/** Signs the current revocation list of one issuer key, valid for `validSeconds` from now. */
export async function exportRevocations(ctx: VaultContext, options: { keyName?: string; validSeconds: number; now?: number }): Promise<LicenseRevocationsExportResult> {
  await ctx.require('license.issue', 'license-revocations');
  if (!(Number.isSafeInteger(options.validSeconds) && options.validSeconds > 0)) throw new CircleError('USAGE', 'The revocation list needs a positive validity');
  const now = options.now ?? Date.now();
  const body = await ctx.reload();
  const ledger = await readLedger(body, ctx);
  const key = pickKey(ledger, options.keyName);
  const list: RevocationListInfo = {
    kid: key.kid,
    issued: new Date(now).toISOString(),
    expires: new Date(now + options.validSeconds * 1000).toISOString(),
    serials: ledger.licenses.filter((l) => l.kid === key.kid && l.revoked).map((l) => l.serial).sort(),
  };
  const seed = await readSeed(body, ctx, key);
  let text: string;
  try {
    text = signRevocationList(list, seed);
  } finally {
    seed.fill(0);
  }
  await ctx.record({ action: 'license.revocations.export', outcome: 'success', target: `license-key:${key.name}`, details: { kid: key.kid, serials: list.serials.length, expires: list.expires } });
  return { list, text };
}
