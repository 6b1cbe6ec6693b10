import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CircleError } from '../errors.js';
import { SECRET_REFERENCE_PREFIX, parseSecretReference } from '../secrets/references.js';

/** Where a store lives, parsed from its URL; credentials are only ever `secret://` references here. */
export type StoreLocation = FileLocation | S3Location | AzblobLocation;

export interface FileLocation {
  kind: 'file';
  root: string;
}

export interface S3Location {
  kind: 's3';
  bucket: string;
  /** '' or ends with '/'. */
  prefix: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  /** `secret://` references; when absent the SDK's standard credential chain is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface AzblobLocation {
  kind: 'azblob';
  account: string;
  container: string;
  prefix: string;
  /** Blob service URL, e.g. Azurite's http://127.0.0.1:10000/devstoreaccount1; default https://ACCOUNT.blob.core.windows.net. */
  endpoint?: string;
  /** `secret://` references. */
  connectionString?: string;
  accountKey?: string;
  sasToken?: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const S3_PARAMS = new Set(['region', 'endpoint', 'forcePathStyle', 'accessKeyId', 'secretAccessKey', 'sessionToken']);
const AZ_PARAMS = new Set(['endpoint', 'connectionString', 'accountKey', 'sasToken']);
const CREDENTIAL_PARAMS = new Set(['accessKeyId', 'secretAccessKey', 'sessionToken', 'connectionString', 'accountKey', 'sasToken']);

/** The default store: `<home>/storage`. */
export function defaultStoreRoot(home: string): string {
  return join(home, 'storage');
}

/**
 * Parses a store URL: `file:///path` (or a plain path), `s3://bucket/prefix?region=…&endpoint=…&forcePathStyle=true`,
 * `azblob://account/container/prefix?endpoint=…`. Credentials may only be given as
 * `secret://NAME` references (a literal key in a URL would end up in argv, shell
 * history and logs); anything else is a USAGE error (exit 2).
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (url.trim() === '') throw usage('The store URL is empty');
    return { kind: 'file', root: isAbsolute(url) ? url : resolve(cwd, url) };
  }
  if (scheme === 'file') {
    try {
      return { kind: 'file', root: fileURLToPath(url) };
    } catch {
      throw usage(`Invalid file store URL ${JSON.stringify(url)}`, 'Write file:///absolute/path.');
    }
  }
  if (scheme !== 's3' && scheme !== 'azblob') {
    throw usage(`Unsupported store URL scheme "${scheme}:"`, 'Use file:///path, s3://bucket/prefix or azblob://account/container/prefix.');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage(`Invalid store URL (it does not parse)`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Never echo the URL: it holds a credential.
    throw usage('Credentials in the store URL are refused', 'Pass them as secret:// references in the query (e.g. ?secretAccessKey=secret://AWS_SECRET_ACCESS_KEY) or through the environment.');
  }
  const params = readParams(parsed, scheme === 's3' ? S3_PARAMS : AZ_PARAMS);
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
  if (scheme === 's3') {
    const bucket = parsed.hostname;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw usage(`Invalid S3 bucket name ${JSON.stringify(bucket)}`);
    const location: S3Location = { kind: 's3', bucket, prefix: normalizePrefix(path) };
    if (params.region !== undefined) location.region = params.region;
    if (params.endpoint !== undefined) location.endpoint = checkEndpoint(params.endpoint);
    if (params.forcePathStyle !== undefined) location.forcePathStyle = parseBoolean('forcePathStyle', params.forcePathStyle);
    for (const name of ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const) if (params[name] !== undefined) location[name] = params[name];
    if ((location.accessKeyId === undefined) !== (location.secretAccessKey === undefined)) {
      throw usage('Give both accessKeyId and secretAccessKey, or neither (then the standard AWS credential chain is used)');
    }
    return location;
  }
  const account = parsed.hostname;
  if (!/^[a-z0-9]{3,24}$/.test(account)) throw usage(`Invalid Azure storage account name ${JSON.stringify(account)}`);
  const [container = '', ...rest] = path.split('/');
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(container)) throw usage(`Invalid Azure container name ${JSON.stringify(container)}`);
  const location: AzblobLocation = { kind: 'azblob', account, container, prefix: normalizePrefix(rest.join('/')) };
  if (params.endpoint !== undefined) location.endpoint = checkEndpoint(params.endpoint);
  for (const name of ['connectionString', 'accountKey', 'sasToken'] as const) if (params[name] !== undefined) location[name] = params[name];
  return location;
}

/** The URL to show for a location: credentials references kept (they are names, not values). */
export function formatStoreUrl(location: StoreLocation): string {
  if (location.kind === 'file') return new URL(`file://${location.root.startsWith('/') ? '' : '/'}${location.root.split('\\').join('/')}`).href;
  const query = new URLSearchParams();
  const base =
    location.kind === 's3'
      ? `s3://${location.bucket}/${encodePath(location.prefix)}`
      : `azblob://${location.account}/${location.container}/${encodePath(location.prefix)}`;
  for (const [name, value] of Object.entries(location)) {
    if (name === 'kind' || name === 'bucket' || name === 'prefix' || name === 'account' || name === 'container' || name === 'root') continue;
    if (value === undefined) continue;
    query.set(name, String(value));
  }
  const q = query.toString();
  return q === '' ? base : `${base}?${q}`;
}

function readParams(parsed: URL, allowed: Set<string>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of parsed.searchParams) {
    if (!allowed.has(name)) {
      throw usage(`Unknown store URL parameter "${name}"`, `Known: ${[...allowed].join(', ')}.`);
    }
    if (out[name] !== undefined) throw usage(`Store URL parameter "${name}" is given twice`);
    if (CREDENTIAL_PARAMS.has(name)) {
      if (!value.startsWith(SECRET_REFERENCE_PREFIX)) {
        throw usage(`The store URL parameter "${name}" must be a secret:// reference, not a literal credential`, `Store it first: circle secrets set NAME, then use ${name}=secret://NAME.`);
      }
      parseSecretReference(value, `store URL parameter ${name}`);
    }
    out[name] = value;
  }
  return out;
}

function normalizePrefix(path: string): string {
  if (path === '') return '';
  return path.endsWith('/') ? path : `${path}/`;
}

function encodePath(prefix: string): string {
  return prefix.split('/').map(encodeURIComponent).join('/');
}

function checkEndpoint(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw usage(`Invalid endpoint ${JSON.stringify(endpoint)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw usage(`The endpoint must be http(s), not ${u.protocol}`);
  if (u.username !== '' || u.password !== '') throw usage('Credentials in the endpoint URL are refused');
  return endpoint;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw usage(`Store URL parameter "${name}" must be true or false`);
}

function usage(message: string, hint?: string): CircleError {
  return new CircleError('USAGE', message, hint === undefined ? {} : { hint });
}
