import { randomBytes } from 'node:crypto';
import { chmod, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuditSink } from '../audit/sink.js';
import { discardAuditEvents } from '../audit/sink.js';
import { openBytes, sealBytes, sealedBlobSchema } from '../crypto/aead.js';
import { hkdf } from '../crypto/kdf.js';
import { CircleError, errnoCode } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { localStateFile } from '../store/local.js';
import { readDocument, writeDocument, type DocumentKind } from '../home/document.js';
import { ensurePrivateDir } from '../home/paths.js';
import { VaultContext } from '../vault/context.js';
import { readVaultOrFail, verifyVaultMac } from '../vault/store.js';
import { roleSchema } from './permissions.js';
import { DEFAULT_POLICIES } from '../config/sections/index.js';

/**
 * A session keeps the root key encrypted under a key derived (HKDF) from a
 * random 256-bit secret that only the token holds. Expiry times live inside the
 * ciphertext, so they cannot be extended by editing the file. The token is
 * `circle_s_<id>_<secret>`; `<home>/session.token` (0600) keeps the current one.
 */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}
export const DEFAULT_SESSION_POLICY: SessionPolicy = DEFAULT_POLICIES.auth.session;
/** A session's last-use time is rewritten at most this often, keeping unlock cheap. */
const TOUCH_EVERY_MS = 30_000;

const SESSION_TOKEN = /^circle_s_([a-f0-9]{32})_([A-Za-z0-9_-]{43})$/;
export const sessionTokenSchema = z.string().trim().regex(SESSION_TOKEN, 'not a circle session token');

const sessionFileSchema = z.object({ id: z.string().regex(/^[a-f0-9]{32}$/), createdAt: z.string(), sealed: sealedBlobSchema });
export const sessionDocument: DocumentKind<z.infer<typeof sessionFileSchema>> = { format: 'circle-session', version: 1, schema: sessionFileSchema };

const payloadSchema = z.object({
  user: z.string(),
  role: roleSchema,
  generation: z.number().int(),
  rootKey: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  absoluteExpiresAt: z.number(),
  idleMs: z.number(),
});
type SessionPayload = z.infer<typeof payloadSchema>;

export function sessionsDir(home: string): string {
  return join(home, 'sessions');
}
export function currentSessionFile(home: string): string {
  return join(home, 'session.token');
}
function sessionFile(home: string, id: string): string {
  return join(sessionsDir(home), `${id}.json`);
}

function sessionKey(secret: Buffer, id: string): Buffer {
  return hkdf(secret, id, 'circle/session/v1');
}

function parseToken(token: string): { id: string; secret: Buffer } {
  const parsed = sessionTokenSchema.safeParse(token);
  if (!parsed.success) throw new CircleError('TOKEN_INVALID', 'The session token is malformed', { hint: 'Log in again with `circle auth login`.' });
  const m = SESSION_TOKEN.exec(parsed.data)!;
  return { id: m[1]!, secret: Buffer.from(m[2]!, 'base64url') };
}

function expired(why: string): CircleError {
  return new CircleError('SESSION_EXPIRED', `The session ${why}`, { hint: 'Log in again with `circle auth login`.' });
}

export interface SessionInfo {
  token: string;
  user: string;
  createdAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** Opens a session for a password-unlocked user context; returns the token (shown once). */
export async function createSession(ctx: VaultContext, policy: SessionPolicy = DEFAULT_SESSION_POLICY, now = new Date()): Promise<SessionInfo> {
  if (ctx.actor.type !== 'user') throw new CircleError('USAGE', 'Only users open sessions; machine tokens are used directly');
  const id = randomBytes(16).toString('hex');
  const secret = randomBytes(32);
  const token = `circle_s_${id}_${secret.toString('base64url')}`;
  const t = now.getTime();
  const payload: SessionPayload = {
    user: ctx.actor.id,
    role: ctx.role,
    generation: ctx.generation,
    rootKey: ctx.rootKey.toString('base64'),
    createdAt: t,
    lastUsedAt: t,
    absoluteExpiresAt: t + policy.absoluteMs,
    idleMs: policy.idleMs,
  };
  await writeSession(ctx.home, id, secret, payload);
  const current = localStateFile(currentSessionFile(ctx.home));
  await current.store.put(current.key, `${token}\n`, { mode: 0o600 });
  await chmod(currentSessionFile(ctx.home), 0o600).catch(() => undefined);
  await ctx.record({ action: 'auth.session.create', outcome: 'success', target: ctx.actor.id, details: { sessionId: id.slice(0, 8) } });
  return {
    token,
    user: ctx.actor.id,
    createdAt: new Date(t).toISOString(),
    idleExpiresAt: new Date(t + policy.idleMs).toISOString(),
    absoluteExpiresAt: new Date(payload.absoluteExpiresAt).toISOString(),
  };
}

async function writeSession(home: string, id: string, secret: Buffer, payload: SessionPayload): Promise<void> {
  await ensurePrivateDir(sessionsDir(home));
  const sealed = sealBytes(sessionKey(secret, id), 'session', Buffer.from(JSON.stringify(payload)), `session|${id}`);
  await writeDocument(sessionDocument, sessionFile(home, id), { id, createdAt: new Date(payload.createdAt).toISOString(), sealed });
}

async function readPayload(home: string, id: string, secret: Buffer): Promise<SessionPayload> {
  const file = await readDocument(sessionDocument, sessionFile(home, id));
  if (!file || file.id !== id) throw expired('has ended (logged out or never existed)');
  let plain: Buffer;
  try {
    plain = openBytes(sessionKey(secret, id), file.sealed, `session|${id}`);
  } catch {
    throw new CircleError('TOKEN_INVALID', 'The session token does not open its session', { hint: 'Log in again with `circle auth login`.' });
  }
  return payloadSchema.parse(JSON.parse(plain.toString('utf8')));
}

export interface UnlockOptions {
  audit?: AuditSink;
  now?: Date;
}

/** The vault context a session token unlocks; SESSION_EXPIRED / TOKEN_INVALID (exit 3) otherwise. */
export async function unlockWithSession(home: string, token: string, options: UnlockOptions = {}): Promise<VaultContext> {
  const audit = options.audit ?? discardAuditEvents;
  const now = (options.now ?? new Date()).getTime();
  const { id, secret } = parseToken(token);
  const payload = await readPayload(home, id, secret);
  const deny = async (error: CircleError): Promise<never> => {
    await audit.record({ action: 'auth.session.use', outcome: 'denied', actor: { type: 'user', id: payload.user }, target: payload.user, reason: error.code, details: { reason: error.code, message: error.message } });
    await unlink(sessionFile(home, id)).catch(() => undefined);
    throw error;
  };
  if (now >= payload.absoluteExpiresAt) return deny(expired('has expired'));
  if (now - payload.lastUsedAt >= payload.idleMs) return deny(expired('expired after inactivity'));
  const data = await readVaultOrFail(home);
  if (data.generation !== payload.generation) return deny(expired('predates a re-key of the vault'));
  const rootKey = Buffer.from(payload.rootKey, 'base64');
  verifyVaultMac(home, data, rootKey);
  const user = data.users[payload.user];
  if (!user) return deny(expired('belongs to a user who was removed'));
  if (user.locked) return deny(new CircleError('AUTH_LOCKED', `Account "${payload.user}" is locked by an admin`, { hint: 'Ask an admin to unlock it.' }));
  if (now - payload.lastUsedAt >= TOUCH_EVERY_MS) await writeSession(home, id, secret, { ...payload, lastUsedAt: now });
  // The role comes from the verified vault, so a role change applies to open sessions at once.
  return new VaultContext({ home, data, rootKey, actor: { type: 'user', id: payload.user }, role: user.role, audit, method: { kind: 'session', sessionToken: token } });
}

/** Re-seals a session after its context re-keyed the vault, so the admin stays logged in. */
export async function resealSession(ctx: VaultContext): Promise<void> {
  if (ctx.method.kind !== 'session') return;
  const { id, secret } = parseToken(ctx.method.sessionToken);
  const payload = await readPayload(ctx.home, id, secret);
  await writeSession(ctx.home, id, secret, { ...payload, generation: ctx.generation, rootKey: ctx.rootKey.toString('base64') });
}

export interface SessionStatus {
  user: string;
  role: string;
  createdAt: string;
  lastUsedAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** Times of a session (for `circle auth status`), without unlocking the vault. */
export async function sessionStatus(home: string, token: string): Promise<SessionStatus> {
  const { id, secret } = parseToken(token);
  const p = await readPayload(home, id, secret);
  const iso = (t: number) => new Date(t).toISOString();
  return { user: p.user, role: p.role, createdAt: iso(p.createdAt), lastUsedAt: iso(p.lastUsedAt), idleExpiresAt: iso(Math.min(p.lastUsedAt + p.idleMs, p.absoluteExpiresAt)), absoluteExpiresAt: iso(p.absoluteExpiresAt) };
}

/** Ends a session: deletes its file, and the current-session file when it holds this token. */
export async function endSession(home: string, token: string, options: { audit?: AuditSink } = {}): Promise<boolean> {
  const { id, secret } = parseToken(token);
  const user = await readPayload(home, id, secret).then((p) => p.user, () => undefined);
  let removed = true;
  try {
    await unlink(sessionFile(home, id));
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
    removed = false;
  }
  const current = await readCurrentSessionToken(home);
  if (current === token) await unlink(currentSessionFile(home)).catch(() => undefined);
  if (removed && user) await (options.audit ?? discardAuditEvents).record({ action: 'auth.logout', outcome: 'success', actor: { type: 'user', id: user }, target: user });
  return removed;
}

/** The token kept in `<home>/session.token`, if any. */
export async function readCurrentSessionToken(home: string): Promise<string | undefined> {
  const bytes = await readFileIfExists(currentSessionFile(home));
  const text = bytes?.toString('utf8').trim();
  return text ? text : undefined;
}
