/**
 * Durations (`30d`, `12h`, `2w`) and instants (ISO dates), for flags and the
 * verifier's options. Returns undefined on anything else; callers turn that into
 * their own error (a usage error in the CLI, `malformed` in the verifier).
 */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** Seconds in `30d`, `12h`, `90m`, `2w`, `1y`; undefined when it is not such a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d{1,6})([smhdwy])$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/** Milliseconds since the epoch of an ISO 8601 date or date-time (`2027-01-31`, `2027-01-31T12:00:00Z`);
 * a time needs its zone, so a date never depends on the machine's time zone. */
export function parseInstant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

/** A date, or a duration counted from `from` (`--expires 30d`). */
export function parseDateOrDuration(text: string, from: number): number | undefined {
  const seconds = parseDurationSeconds(text);
  return seconds === undefined ? parseInstant(text) : from + seconds * 1000;
}

export const DAY_MS = 86_400_000;
