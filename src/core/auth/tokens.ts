import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AuditSink } from '../audit/sink.js';
import { discardAuditEvents } from '../audit/sink.js';
import { randomKey } from '../crypto/aead.js';
import { constantTimeEqual } from '../crypto/kdf.js';
import { generateX25519KeyPair } from '../crypto/x25519.js';
import { CircleError } from '../errors.js';
import { ownEntry } from '../own-entry.js';
import { VaultContext } from '../vault/context.js';
import { deleteInternal, putInternal } from '../vault/internal-records.js';
import type { TokenRecord } from '../vault/schema.js';
import { readVaultOrFail, updateVault, verifyVaultMac } from '../vault/store.js';
import type { Role } from './permissions.js';
import { bindToRoot, deriveTokenKeys, unwrapPrincipalKey, unwrapRoot, wrapPrincipalKey } from './wraps.js';

/**
 * Machine tokens for CI: `circle_t_<id>_<secret>`. Only an HKDF verifier is
 * stored; the root key is reachable through a key wrapped under HKDF(token).
 * Revoking deletes those wraps, so a revoked token opens nothing even if the
 * check were skipped.
 */
const MACHINE_TOKEN = /^circle_t_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;
export const machineTokenSchema = z.string().trim().regex(MACHINE_TOKEN, 'not a circle machine token');

function invalid(message = 'The machine token is invalid, revoked or expired'): CircleError {
  return new CircleError('TOKEN_INVALID', message, { hint: 'Create a new one with `circle auth token create` (admin).' });
}

export interface TokenSummary {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  revokedAt?: string;
  status: 'active' | 'expired' | 'revoked';
}

function summarize(t: TokenRecord, now: Date): TokenSummary {
  const status = t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now.getTime() ? 'expired' : 'active';
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    ...(t.expiresAt ? { expiresAt: t.expiresAt } : {}),
    ...(t.revokedAt ? { revokedAt: t.revokedAt } : {}),
    status,
  };
}

export interface CreateTokenInput {
  name: string;
  role: Role;
  expiresAt?: Date;
}

/** Creates a machine token (admin). The token is returned once and never stored. */
export async function createMachineToken(ctx: VaultContext, input: CreateTokenInput, now = new Date()): Promise<{ token: string; summary: TokenSummary }> {
  await ctx.require('tokens.manage', `token:${input.name}`);
  const name = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/).safeParse(input.name);
  if (!name.success) throw new CircleError('USAGE', `Invalid token name ${JSON.stringify(input.name)}`, { hint: 'Use letters, digits, ".", "_" or "-".' });
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw new CircleError('USAGE', 'The expiry must be in the future');
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32);
  const token = `circle_t_${id}_${secret.toString('base64url')}`;
  const summary = await updateVault(ctx.keys, (current) => {
    if (Object.values(current.tokens).some((t) => t.name === name.data && !t.revokedAt)) {
      throw new CircleError('ALREADY_EXISTS', `An active token named "${name.data}" exists`, { hint: 'Revoke it first or pick another name.' });
    }
    const keys = deriveTokenKeys(secret, id);
    const tokenKey = randomKey();
    const p = `token:${id}` as const;
    const bound = bindToRoot(ctx.rootKey, current.vaultId, current.generation, p, tokenKey);
    const pair = generateX25519KeyPair();
    putInternal(current, ctx, 'token-x25519', id, pair.privateKey);
    const record: TokenRecord = {
      id,
      name: name.data,
      role: input.role,
      createdAt: now.toISOString(),
      createdBy: ctx.actor.id,
      ...(input.expiresAt ? { expiresAt: input.expiresAt.toISOString() } : {}),
      verifier: keys.verifier.toString('base64'),
      wrappedTokenKey: wrapPrincipalKey(keys.kek, current.vaultId, p, tokenKey),
      escrowedTokenKey: bound.escrowed,
      wrappedRoot: bound.wrappedRoot,
    };
    tokenKey.fill(0);
    current.tokens[id] = record;
    return { body: current, result: summarize(record, now) };
  });
  await ctx.record({ action: 'auth.token.create', outcome: 'success', target: `token:${id}`, details: { name: summary.name, role: summary.role, expiresAt: summary.expiresAt } });
  return { token, summary };
}

export async function listMachineTokens(ctx: VaultContext, now = new Date()): Promise<TokenSummary[]> {
  await ctx.require('tokens.manage');
  const data = await ctx.reload();
  return Object.values(data.tokens).map((t) => summarize(t, now)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Revokes by id or by (active) name. */
export async function revokeMachineToken(ctx: VaultContext, idOrName: string, now = new Date()): Promise<TokenSummary> {
  await ctx.require('tokens.manage', `token:${idOrName}`);
  const summary = await updateVault(ctx.keys, (current) => {
    const t = ownEntry(current.tokens, idOrName) ?? Object.values(current.tokens).find((x) => x.name === idOrName && !x.revokedAt);
    if (!t) throw new CircleError('NOT_FOUND', `No machine token "${idOrName}"`, { hint: 'See `circle auth token list`.' });
    if (t.revokedAt) return { result: summarize(t, now) };
    const { wrappedTokenKey: _w, escrowedTokenKey: _e, wrappedRoot: _r, ...rest } = t;
    const revoked: TokenRecord = { ...rest, revokedAt: now.toISOString() };
    current.tokens[t.id] = revoked;
    deleteInternal(current, 'token-x25519', t.id);
    return { body: current, result: summarize(revoked, now) };
  });
  await ctx.record({ action: 'auth.token.revoke', outcome: 'success', target: `token:${summary.id}`, details: { name: summary.name } });
  return summary;
}

/** Unlocks the vault with a machine token (`CIRCLE_TOKEN`); TOKEN_INVALID (exit 3) when revoked, expired or wrong. */
export async function unlockWithMachineToken(home: string, token: string, options: { audit?: AuditSink; now?: Date } = {}): Promise<VaultContext> {
  const audit = options.audit ?? discardAuditEvents;
  const now = options.now ?? new Date();
  const parsed = machineTokenSchema.safeParse(token);
  if (!parsed.success) throw invalid('CIRCLE_TOKEN is not a circle machine token');
  const m = MACHINE_TOKEN.exec(parsed.data)!;
  const id = m[1]!;
  const secret = Buffer.from(m[2]!, 'base64url');
  const data = await readVaultOrFail(home);
  const record = ownEntry(data.tokens, id);
  const actor = { type: 'token' as const, id };
  const deny = async (reason: string): Promise<never> => {
    // Target and clear reason follow the watch conventions (watch.ts), so a revoked token's use alerts without the audit key.
    await audit.record({ action: 'auth.token.use', outcome: 'denied', actor, target: `token:${id}`, reason, details: { reason } });
    throw invalid();
  };
  if (!record) return deny('unknown');
  const keys = deriveTokenKeys(secret, id);
  if (!constantTimeEqual(keys.verifier, Buffer.from(record.verifier, 'base64'))) return deny('wrong-secret');
  if (record.revokedAt || !record.wrappedTokenKey || !record.wrappedRoot) return deny('revoked');
  if (record.expiresAt && Date.parse(record.expiresAt) <= now.getTime()) return deny('expired');
  const p = `token:${id}` as const;
  const tokenKey = unwrapPrincipalKey(keys.kek, data.vaultId, p, record.wrappedTokenKey);
  const rootKey = unwrapRoot(tokenKey, data.vaultId, data.generation, p, record.wrappedRoot);
  tokenKey.fill(0);
  verifyVaultMac(home, data, rootKey);
  return new VaultContext({ home, data, rootKey, actor, role: record.role, audit, method: { kind: 'token' } });
}

/** Parses `30d`, `12h`, `90m`, `2w` into a date after `now`. */
export function parseExpiry(text: string, now = new Date()): Date {
  const m = /^(\d{1,5})([mhdw])$/.exec(text.trim());
  if (!m) throw new CircleError('USAGE', `Invalid expiry ${JSON.stringify(text)}`, { hint: 'Use a number and a unit: 90m, 12h, 30d, 2w.' });
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  return new Date(now.getTime() + Number(m[1]) * unit);
}
