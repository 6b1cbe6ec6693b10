import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CircleError, errnoCode } from '../errors.js';
import type { ObjectStore } from '../storage/types.js';
import { parsePublicKey, type IssuerPublicKey } from './public-key.js';

/**
 * Where `circle license` commands read their inputs from: license files,
 * public keys and revocation lists given as a path, a value or a URL. Not part of
 * the embeddable verifier (an app hands it text), so it may throw CircleErrors.
 */
const MAX_BYTES = 1024 * 1024;

export async function readTextInput(path: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new CircleError('NOT_FOUND', `${what} ${path} does not exist`);
    if (errnoCode(error) === 'EISDIR') throw new CircleError('USAGE', `${what} ${path} is a directory`);
    throw new CircleError('IO', `Could not read ${what} ${path}: ${(error as Error).message}`);
  }
  if (bytes.length > MAX_BYTES) throw new CircleError('USAGE', `${what} ${path} is larger than 1 MiB; it is not a license file`);
  return bytes.toString('utf8');
}

/** `--public-key`: the key itself (base64, hex or PEM) or a file holding it. */
export async function resolvePublicKey(value: string): Promise<IssuerPublicKey> {
  const direct = parsePublicKey(value);
  if (direct) return direct;
  const hint = 'Pass the key as base64 (44 characters), hex (64 digits), a PEM PUBLIC KEY block, or a file holding one (`circle license keys export`).';
  let text: string;
  try {
    text = await readTextInput(value, 'Public key file');
  } catch (error) {
    if ((error as CircleError).code === 'NOT_FOUND') throw new CircleError('USAGE', '--public-key is neither an Ed25519 public key nor a file', { hint });
    throw error;
  }
  const fromFile = parsePublicKey(text);
  if (!fromFile) {
    throw new CircleError('USAGE', `${value} does not hold an Ed25519 public key`, { hint });
  }
  return fromFile;
}

/**
 * `--revocations`: a path or a `file:` URL. Object-store URLs (`s3://`, `azblob://`)
 * go through the storage layer (`readRevocationsFromStore`) once its backends are
 * in this build; until then they are refused by name.
 */
export async function readRevocationSource(source: string): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    if (source.startsWith('file://')) return readTextInput(fileURLToPath(source), 'Revocation list');
    throw new CircleError('USAGE', `Cannot fetch ${new URL(source).protocol}// revocation lists in this build`, {
      hint: 'Download the list and pass its path, or a file:// URL.',
    });
  }
  return readTextInput(source, 'Revocation list');
}

/** A revocation list kept in an object store (what a vendor publishes next to their downloads). */
export async function readRevocationsFromStore(store: ObjectStore, key: string): Promise<string> {
  const info = await store.head(key);
  if (info.size > MAX_BYTES) throw new CircleError('INTEGRITY', `The revocation list ${key} is larger than 1 MiB`);
  const { body } = await store.get(key);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) throw new CircleError('INTEGRITY', `The revocation list ${key} is larger than 1 MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
