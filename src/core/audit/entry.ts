import { z } from 'zod';
import type { AuditEvent } from './sink.js';
import { sealedDetailsSchema, type SealedDetails } from './details.js';

/**
 * One audit entry as stored: one line of JSON in a segment file. The stored line
 * *is* the canonical form (fixed key order, no whitespace), so the leaf hash is
 * computed over the exact bytes on disk and verification never re-serialises.
 */

export const GENESIS_PREV = '0'.repeat(64);

const actorSchema = z.object({
  type: z.enum(['user', 'token', 'system']),
  id: z.string().min(1).max(256),
});

export const auditEntrySchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string().datetime({ offset: false }),
  actor: actorSchema,
  action: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'a dotted verb such as auth.login'),
  target: z.string().max(1024).optional(),
  outcome: z.enum(['success', 'denied', 'failure']),
  /** A short, non-sensitive reason code in clear (`revoked`, `bad-password`), so monitors need no key. */
  reason: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional(),
  details: sealedDetailsSchema.optional(),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditEventSchema = z.object({
  action: auditEntrySchema.shape.action,
  outcome: auditEntrySchema.shape.outcome,
  actor: actorSchema,
  target: auditEntrySchema.shape.target,
  reason: auditEntrySchema.shape.reason,
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The canonical line (without the newline) for an entry; key order is part of the format. */
export function serializeEntry(entry: AuditEntry): string {
  const ordered: Record<string, unknown> = {
    seq: entry.seq,
    prev: entry.prev,
    time: entry.time,
    actor: { type: entry.actor.type, id: entry.actor.id },
    action: entry.action,
  };
  if (entry.target !== undefined) ordered.target = entry.target;
  ordered.outcome = entry.outcome;
  if (entry.reason !== undefined) ordered.reason = entry.reason;
  if (entry.details !== undefined) ordered.details = orderSealed(entry.details);
  return JSON.stringify(ordered);
}

function orderSealed(d: SealedDetails): SealedDetails {
  return { v: d.v, alg: d.alg, kid: d.kid, epk: d.epk, iv: d.iv, ct: d.ct, tag: d.tag };
}

export function buildEntry(seq: number, prev: string, time: Date, event: AuditEvent & { reason?: string }, details?: SealedDetails): AuditEntry {
  return {
    seq,
    prev,
    time: time.toISOString(),
    actor: { type: event.actor.type, id: event.actor.id },
    action: event.action,
    ...(event.target === undefined ? {} : { target: event.target }),
    outcome: event.outcome,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    ...(details === undefined ? {} : { details }),
  };
}

/** Parses a stored line; undefined when it is not a well-formed canonical entry. */
export function parseEntryLine(line: string): AuditEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = auditEntrySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  return serializeEntry(parsed.data) === line ? parsed.data : undefined;
}

export interface EntryHead {
  seq: number;
  prev: string;
}

const HEAD_PREFIX = '{"seq":';
const PREV_MARK = ',"prev":"';

/**
 * Reads `seq` and `prev` from the fixed start of a canonical line without a full
 * JSON parse: verification of a million entries is bound by hashing, not parsing.
 * Returns undefined for anything that does not start like a canonical entry.
 */
export function readEntryHead(line: Buffer): EntryHead | undefined {
  if (line.length < 90 || line.toString('latin1', 0, HEAD_PREFIX.length) !== HEAD_PREFIX) return undefined;
  let i = HEAD_PREFIX.length;
  let seq = 0;
  const digitsStart = i;
  while (i < line.length && line[i]! >= 0x30 && line[i]! <= 0x39) {
    seq = seq * 10 + (line[i]! - 0x30);
    i++;
  }
  const digits = i - digitsStart;
  if (digits === 0 || digits > 15 || (digits > 1 && line[digitsStart] === 0x30)) return undefined;
  if (line.toString('latin1', i, i + PREV_MARK.length) !== PREV_MARK) return undefined;
  i += PREV_MARK.length;
  const prev = line.toString('latin1', i, i + 64);
  if (line[i + 64] !== 0x22 || !/^[0-9a-f]{64}$/.test(prev)) return undefined;
  return { seq, prev };
}

const HEAD_PREFIX_BYTES = Buffer.from(HEAD_PREFIX, 'latin1');
const PREV_MARK_BYTES = Buffer.from(PREV_MARK, 'latin1');

function bytesAt(line: Buffer, at: number, expected: Buffer): boolean {
  if (at + expected.length > line.length) return false;
  for (let k = 0; k < expected.length; k++) if (line[at + k] !== expected[k]) return false;
  return true;
}

/**
 * The verifier's hot path: true when `line` starts like the canonical entry
 * `seq` whose `prev` is `prevHex` (64 ASCII hex bytes), with no allocation.
 * On false, `readEntryHead` tells what is wrong.
 */
export function entryHeadIs(line: Buffer, seq: number, prevHex: Buffer): boolean {
  const p = HEAD_PREFIX_BYTES.length;
  if (line.length < 90 || !bytesAt(line, 0, HEAD_PREFIX_BYTES)) return false;
  let i = p;
  let n = 0;
  while (i < line.length && line[i]! >= 0x30 && line[i]! <= 0x39) {
    n = n * 10 + (line[i]! - 0x30);
    i++;
  }
  if (n !== seq || i === p || (i - p > 1 && line[p] === 0x30)) return false;
  if (!bytesAt(line, i, PREV_MARK_BYTES)) return false;
  i += PREV_MARK_BYTES.length;
  return line.compare(prevHex, 0, 64, i, i + 64) === 0 && line[i + 64] === 0x22;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Writes `src` as lower-case hex into `dst` (2 bytes per input byte) without making a string. */
export function writeHex(dst: Buffer, src: Uint8Array): void {
  for (let k = 0; k < src.length; k++) {
    const b = src[k]!;
    dst[2 * k] = HEX_DIGITS[b >> 4]!;
    dst[2 * k + 1] = HEX_DIGITS[b & 15]!;
  }
}
