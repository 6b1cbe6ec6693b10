import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The monotonic last-seen time behind the clock-rollback check: a tiny file in
 * the app's data dir, `{"v":1,"at":ISO,"mac":…}`, HMAC-SHA-256 over a domain tag
 * and `at`. The verifier fails with `clock-rolled-back` when now is earlier than
 * `at` minus the allowed skew, and moves `at` forward after each check.
 *
 * What it holds against: a user who winds the clock back, or edits or swaps in an
 * older copy of the file with a different time (the MAC covers the time; a copy
 * from the same machine still passes, since it carries a real past time). What
 * it cannot: deleting the file resets it, and with the default key (derived from
 * the public issuer key, which ships in the app) the MAC only stops hand edits.
 * An app that has a secret of its own (an OS keychain entry) passes it as `key`.
 */
export interface LastSeenOptions {
  /** The state file; its directory is created if missing. */
  path: string;
  /** MAC key; default: SHA-256 of a domain tag and the issuer public key. */
  key?: Uint8Array;
  /** Record this check's time (default true). `circle license verify --now` passes false. */
  update?: boolean;
}

export type LastSeenState = { kind: 'none' } | { kind: 'ok'; at: number } | { kind: 'altered' };

const TAG = 'circle-license/last-seen/v1\n';

export function defaultLastSeenKey(publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256').update(TAG).update(publicKeyRaw).digest();
}

function mac(key: Uint8Array, at: string): Buffer {
  return createHmac('sha256', key).update(TAG + at).digest();
}

export function readLastSeen(path: string, key: Uint8Array): LastSeenState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'none' } : { kind: 'altered' };
  }
  try {
    const doc = JSON.parse(text) as { v?: unknown; at?: unknown; mac?: unknown };
    if (doc.v !== 1 || typeof doc.at !== 'string' || typeof doc.mac !== 'string') return { kind: 'altered' };
    const expected = mac(key, doc.at);
    const given = Buffer.from(doc.mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'altered' };
    const at = Date.parse(doc.at);
    return Number.isFinite(at) ? { kind: 'ok', at } : { kind: 'altered' };
  } catch {
    return { kind: 'altered' };
  }
}

/** Writes `at` atomically (temp file + rename, 0600); false when it could not be written. */
export function writeLastSeen(path: string, key: Uint8Array, at: number): boolean {
  const iso = new Date(at).toISOString();
  const body = `${JSON.stringify({ v: 1, at: iso, mac: mac(key, iso).toString('base64url') })}\n`;
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temp, body, { mode: 0o600 });
    renameSync(temp, path);
    return true;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean up
    }
    return false;
  }
}
