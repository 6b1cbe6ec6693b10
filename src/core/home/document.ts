import { copyFile } from 'node:fs/promises';
import type { z } from 'zod';
import { CircleError } from '../errors.js';
import { localStateFile } from '../store/local.js';
import { readFileIfExists } from './atomic.js';
import type { LockOptions } from './lock.js';

/**
 * A kind of state file: `{ "format": "<name>", "version": N, "data": … }`.
 * `data` is validated with the zod schema on every read, so a hand-edited or
 * half-written file is reported (exit 5) instead of being trusted or overwritten.
 */
export interface DocumentKind<T> {
  format: string;
  version: number;
  schema: z.ZodType<T>;
  /** `migrations[n]` turns the data of version n into version n + 1. */
  migrations?: Record<number, (data: unknown) => unknown>;
}

export interface LoadedDocument<T> {
  data: T;
  /** The version found on disk (lower than kind.version when a migration ran in memory). */
  storedVersion: number;
}

const envelopeKeys = ['format', 'version', 'data'] as const;

export function parseDocument<T>(kind: DocumentKind<T>, file: string, bytes: Buffer): LoadedDocument<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw corrupt(file, `it is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !envelopeKeys.every((k) => k in parsed)) {
    throw corrupt(file, 'it lacks the format/version/data envelope');
  }
  const envelope = parsed as { format: unknown; version: unknown; data: unknown };
  if (envelope.format !== kind.format) {
    throw corrupt(file, `expected format "${kind.format}", found ${JSON.stringify(envelope.format)}`);
  }
  if (typeof envelope.version !== 'number' || !Number.isInteger(envelope.version) || envelope.version < 1) {
    throw corrupt(file, `version ${JSON.stringify(envelope.version)} is not a positive integer`);
  }
  if (envelope.version > kind.version) {
    throw new CircleError('STATE_TOO_NEW', `${file} was written by a newer circle (format version ${envelope.version}, this one reads up to ${kind.version})`, {
      hint: 'Upgrade circle-core; the file was left untouched.',
      details: { file },
    });
  }
  let data = envelope.data;
  for (let v = envelope.version; v < kind.version; v++) {
    const migrate = kind.migrations?.[v];
    if (!migrate) throw corrupt(file, `no migration from format version ${v}`);
    data = migrate(data);
  }
  const result = kind.schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw corrupt(file, `its content is invalid${where}: ${issue?.message ?? 'schema mismatch'}`);
  }
  return { data: result.data, storedVersion: envelope.version };
}

function corrupt(file: string, why: string): CircleError {
  return new CircleError('STATE_CORRUPT', `${file} is corrupt: ${why}`, {
    hint: 'The file was left untouched. Restore it from a backup, or move it aside to start afresh.',
    details: { file },
  });
}

export function serializeDocument<T>(kind: DocumentKind<T>, data: T): string {
  return `${JSON.stringify({ format: kind.format, version: kind.version, data }, null, 2)}\n`;
}

/** Reads a document; undefined when the file does not exist. */
export async function readDocument<T>(kind: DocumentKind<T>, file: string): Promise<T | undefined> {
  const bytes = await readFileIfExists(file);
  return bytes === undefined ? undefined : parseDocument(kind, file, bytes).data;
}

/** Writes a document atomically (through the state store), without locking: callers inside `updateDocument` or holding the lock. */
export async function writeDocument<T>(kind: DocumentKind<T>, file: string, data: T): Promise<void> {
  const { store, key } = localStateFile(file);
  await store.put(key, serializeDocument(kind, kind.schema.parse(data)));
}

/**
 * Locked read-modify-write, through the state store's `update`. `change` gets
 * the current data (undefined when the file is new) and returns the new data;
 * returning `undefined` leaves the file as it is. A file in an older format is
 * backed up as `<file>.v<N>.bak` before the migrated version replaces it.
 */
export async function updateDocument<T>(
  kind: DocumentKind<T>,
  file: string,
  change: (current: T | undefined) => Promise<T | undefined> | T | undefined,
  options: LockOptions = {},
): Promise<T | undefined> {
  const { store, key } = localStateFile(file);
  return store.update(
    key,
    async (current) => {
      const loaded = current === undefined ? undefined : parseDocument(kind, file, current.bytes);
      const next = await change(loaded?.data);
      if (next === undefined) return { result: loaded?.data };
      if (loaded && loaded.storedVersion < kind.version) {
        await copyFile(file, `${file}.v${loaded.storedVersion}.bak`);
      }
      return { bytes: serializeDocument(kind, kind.schema.parse(next)), result: next };
    },
    options.timeoutMs === undefined ? {} : { waitMs: options.timeoutMs },
  );
}
