import { CircleError } from '../errors.js';
import { detailsAad, openDetails } from './details.js';
import { parseEntryLine, type AuditEntry } from './entry.js';
import type { AuditKeys } from './keys.js';
import { auditLayout } from './layout.js';
import { listSegments, readPrunedLeaves, scanLines } from './segments.js';

/** Reading entries back for `log` and `export`: filters, newest-last order, optional decrypted details. */

export interface AuditFilter {
  since?: Date;
  until?: Date;
  actor?: string;
  /** Exact action, or a prefix ending in `.` or `*` (`auth.` / `auth.*`). */
  action?: string;
  outcome?: AuditEntry['outcome'];
}

export function matchesFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  const t = Date.parse(entry.time);
  if (filter.since && t < filter.since.getTime()) return false;
  if (filter.until && t > filter.until.getTime()) return false;
  if (filter.actor && entry.actor.id !== filter.actor && `${entry.actor.type}:${entry.actor.id}` !== filter.actor) return false;
  if (filter.outcome && entry.outcome !== filter.outcome) return false;
  if (filter.action) {
    const prefix = filter.action.endsWith('*') ? filter.action.slice(0, -1) : filter.action.endsWith('.') ? filter.action : undefined;
    if (prefix === undefined ? entry.action !== filter.action : !entry.action.startsWith(prefix)) return false;
  }
  return true;
}

export interface ReadEntriesResult {
  entries: AuditEntry[];
  /** Lines that are not well-formed entries (verify says why). */
  malformed: number;
  /** Entries whose contents were pruned by retention (only their hashes remain). */
  pruned: number;
}

/** Visits every stored entry in order; `visit` returning false stops. */
export async function forEachEntry(homeDir: string, visit: (entry: AuditEntry, raw: string) => boolean | void): Promise<{ malformed: number; pruned: number }> {
  const layout = auditLayout(homeDir);
  const pruned = (await readPrunedLeaves(layout)).length;
  const segments = (await listSegments(layout)).filter((s, i, all) => (all[i + 1]?.firstSeq ?? Number.POSITIVE_INFINITY) > pruned);
  let malformed = 0;
  for (const segment of segments) {
    let stop = false;
    await scanLines(segment.path, ({ line }) => {
      const raw = line.toString('utf8');
      const entry = parseEntryLine(raw);
      if (!entry) {
        malformed++;
        return;
      }
      if (visit(entry, raw) === false) {
        stop = true;
        return false;
      }
    });
    if (stop) break;
  }
  return { malformed, pruned };
}

/** Matching entries, oldest first; with `limit`, the newest `limit` of them. */
export async function readAuditEntries(homeDir: string, filter: AuditFilter = {}, limit?: number): Promise<ReadEntriesResult> {
  const entries: AuditEntry[] = [];
  const { malformed, pruned } = await forEachEntry(homeDir, (entry) => {
    if (!matchesFilter(entry, filter)) return;
    entries.push(entry);
    if (limit !== undefined && entries.length > limit * 2 + 1024) entries.splice(0, entries.length - limit);
  });
  return { entries: limit === undefined ? entries : entries.slice(Math.max(0, entries.length - limit)), malformed, pruned };
}

/** An entry with its details decrypted (needs the private details key). */
export type ReadableAuditEntry = Omit<AuditEntry, 'details'> & { details?: Record<string, unknown> };

export function revealDetails(entry: AuditEntry, keys: Pick<AuditKeys, 'detailsPrivateKey'>): ReadableAuditEntry {
  if (entry.details === undefined) return entry as ReadableAuditEntry;
  if (!keys.detailsPrivateKey) throw new CircleError('AUTH_REQUIRED', 'Reading audit details needs the audit key', { hint: 'Log in first (circle auth login).' });
  return { ...entry, details: openDetails(entry.details, keys.detailsPrivateKey, detailsAad(entry.seq)) };
}

/** `--since`/`--until`: an ISO 8601 time, or a duration back from now (`30s`, `15m`, `2h`, `7d`). */
export function parseTimeBound(text: string, flag: string, now: Date = new Date()): Date {
  const rel = /^(\d+)([smhdw])$/.exec(text.trim());
  if (rel) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(rel[1]) * unit);
  }
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(t)) {
    throw new CircleError('USAGE', `--${flag} must be an ISO 8601 time or a duration such as 15m, 2h, 7d (got "${text}")`);
  }
  return new Date(t);
}
