import { CircleError } from '../errors.js';

/** S3's limit on key length, in UTF-8 bytes; Azure allows more, so this is the portable cap. */
export const MAX_KEY_BYTES = 1024;
/** S3 caps all user metadata at 2 KiB; Azure allows more. */
export const MAX_METADATA_BYTES = 2048;

// C0 and C1 control characters and DEL: they hide in terminals and logs and some backends reject them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * The key, or a USAGE error (exit 2) naming what is wrong. Keys are '/'-separated
 * relative names: no absolute paths, no empty, '.' or '..' segments, no
 * backslashes (a path separator on Windows), no control characters, well-formed
 * Unicode, at most 1024 UTF-8 bytes. Checked once, here, by every backend, so a
 * key can never name anything outside its store whatever the backend does with it.
 */
export function validateKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw badKey(key, 'it is empty');
  checkCommon(key, 'key');
  if (key.startsWith('/')) throw badKey(key, 'it is absolute (starts with "/")');
  for (const segment of key.split('/')) {
    if (segment === '') throw badKey(key, 'it has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') throw badKey(key, `it has a "${segment}" segment`);
  }
  return key;
}

/** A listing prefix: the same characters as a key, but it may be empty, partial or end with '/'. */
export function validatePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  checkCommon(prefix, 'prefix');
  if (prefix.startsWith('/')) throw badKey(prefix, 'it is absolute (starts with "/")', 'prefix');
  if (prefix.split('/').slice(0, -1).some((s) => s === '' || s === '.' || s === '..')) {
    throw badKey(prefix, 'it has an empty, "." or ".." segment', 'prefix');
  }
  return prefix;
}

function checkCommon(value: string, what: 'key' | 'prefix'): void {
  if (CONTROL.test(value)) throw badKey(value, 'it contains a control character', what);
  if (value.includes('\\')) throw badKey(value, 'it contains a backslash', what);
  const bytes = Buffer.from(value, 'utf8');
  // A lone surrogate does not survive UTF-8: two different strings would name one object.
  if (bytes.toString('utf8') !== value) throw badKey(value, 'it is not well-formed Unicode', what);
  if (bytes.length > MAX_KEY_BYTES) throw badKey(value, `it is longer than ${MAX_KEY_BYTES} UTF-8 bytes`, what);
}

function badKey(value: unknown, why: string, what: 'key' | 'prefix' = 'key'): CircleError {
  // The key is a name the caller chose, not a secret; JSON.stringify shows control characters escaped.
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : String(value);
  return new CircleError('USAGE', `Invalid object ${what} ${shown}: ${why}`, {
    hint: 'Object keys are "/"-separated relative names such as "backups/2026-01-01.age".',
  });
}

const META_NAME = /^[a-z][a-z0-9_]{0,62}$/;
// Printable ASCII without leading or trailing blanks, which some backends trim.
const META_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;
const CONTENT_TYPE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/**
 * User metadata that every backend stores unchanged: names are lower-case
 * identifiers (S3 lower-cases names, Azure wants C# identifiers, so no '-'),
 * values printable ASCII, 2 KiB in all.
 */
export function validateMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  if (metadata === undefined) return {};
  let total = 0;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!META_NAME.test(name)) {
      throw new CircleError('USAGE', `Invalid metadata name ${JSON.stringify(name)}`, { hint: 'Use lower-case letters, digits and "_", starting with a letter.' });
    }
    if (typeof value !== 'string' || !META_VALUE.test(value)) {
      throw new CircleError('USAGE', `Invalid value for metadata ${name}: printable ASCII without leading or trailing blanks`);
    }
    total += name.length + value.length;
    out[name] = value;
  }
  if (total > MAX_METADATA_BYTES) throw new CircleError('USAGE', `Object metadata is larger than ${MAX_METADATA_BYTES} bytes`);
  return out;
}

export function validateContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  if (!CONTENT_TYPE.test(contentType)) throw new CircleError('USAGE', `Invalid content type ${JSON.stringify(contentType)}`);
  return contentType;
}
