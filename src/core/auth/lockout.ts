import { join } from 'node:path';
import { z } from 'zod';
import { readDocument, updateDocument, type DocumentKind } from '../home/document.js';
import { ownEntry } from '../own-entry.js';
import { DEFAULT_POLICIES } from '../config/sections/index.js';

/**
 * Failed-login counters live outside the vault file because they must be
 * written by someone who failed to unlock it. Every change is a locked
 * read-modify-write, so N processes guessing at once are all counted.
 */
export interface LockoutPolicy {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = DEFAULT_POLICIES.auth.lockout;

const iso = z.string().datetime({ offset: true });
const authStateSchema = z.object({
  users: z.record(z.string(), z.object({ failures: z.array(iso), lockedUntil: iso.optional() })),
});
type AuthState = z.infer<typeof authStateSchema>;

export const authStateDocument: DocumentKind<AuthState> = { format: 'circle-auth-state', version: 1, schema: authStateSchema };

export function authStatePath(home: string): string {
  return join(home, 'auth-state.json');
}

/** When the user's lockout lifts, if they are locked out now. */
export async function lockedUntil(home: string, user: string, now = new Date()): Promise<Date | undefined> {
  const state = await readDocument(authStateDocument, authStatePath(home));
  return activeLock(state, user, now);
}

function activeLock(state: AuthState | undefined, user: string, now: Date): Date | undefined {
  const until = state && ownEntry(state.users, user)?.lockedUntil;
  if (until && Date.parse(until) > now.getTime()) return new Date(until);
  return undefined;
}

export interface FailureOutcome {
  failures: number;
  lockedUntil?: Date;
}

/** Counts one failed attempt; returns the lock end when this failure (or a concurrent one) locked the account. */
export async function recordLoginFailure(home: string, user: string, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY, now = new Date()): Promise<FailureOutcome> {
  let outcome: FailureOutcome = { failures: 0 };
  await updateDocument(authStateDocument, authStatePath(home), (current) => {
    const state: AuthState = current ?? { users: {} };
    const entry = ownEntry(state.users, user) ?? { failures: [] };
    const since = now.getTime() - policy.windowMs;
    const failures = [...entry.failures.filter((f) => Date.parse(f) > since), now.toISOString()].slice(-Math.max(policy.maxFailures, 1) * 2);
    const existing = activeLock(state, user, now);
    let until = existing;
    if (!until && failures.length >= policy.maxFailures) until = new Date(now.getTime() + policy.lockoutMs);
    state.users[user] = { failures, ...(until ? { lockedUntil: until.toISOString() } : {}) };
    outcome = { failures: failures.length, ...(until ? { lockedUntil: until } : {}) };
    return state;
  });
  return outcome;
}

/**
 * Clears the counters after a successful login, unless a concurrent failure
 * locked the account meanwhile; returns that lock's end in that case.
 */
export async function recordLoginSuccess(home: string, user: string, now = new Date()): Promise<Date | undefined> {
  let locked: Date | undefined;
  await updateDocument(authStateDocument, authStatePath(home), (current) => {
    locked = activeLock(current, user, now);
    if (locked || !current?.users[user]) return undefined;
    delete current.users[user];
    return current;
  });
  return locked;
}

/** Admin unlock: forget failures and lifts the lock. */
export async function clearLoginFailures(home: string, user: string): Promise<void> {
  await updateDocument(authStateDocument, authStatePath(home), (current) => {
    if (!current?.users[user]) return undefined;
    delete current.users[user];
    return current;
  });
}
