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
 * `--revocations`: a path, a `file:` URL, or an object in a store (`s3://bucket/prefix/list.txt?region=…`,
 * `azblob://account/container/list.txt`), which `openObjectStore` opens: the store is the URL up to
 * its last '/', the key the last segment. The store opener is passed in so the verifier's module graph
 * never reaches the storage SDKs.
 */
export async function readRevocationSource(source: string, openObjectStore?: (storeUrl: string) => Promise<ObjectStore>): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    if (source.startsWith('file://')) return readTextInput(fileURLToPath(source), 'Revocation list');
    const { storeUrl, key } = splitObjectUrl(source);
    if (!openObjectStore || !key) {
      throw new CircleError('USAGE', `Cannot read a revocation list from ${JSON.stringify(source.slice(0, 200))}`, {
        hint: 'Pass a path, a file:// URL, or s3://bucket/prefix/NAME / azblob://account/container/NAME.',
      });
    }
    return readRevocationsFromStore(await openObjectStore(storeUrl), key);
  }
  return readTextInput(source, 'Revocation list');
}

/** `scheme://host/a/b/name?query` → the store `scheme://host/a/b?query` and the key `name`. */
export function splitObjectUrl(url: string): { storeUrl: string; key: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  const slash = path.lastIndexOf('/');
  return { storeUrl: `${path.slice(0, slash)}${query}`, key: path.slice(slash + 1) };
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
