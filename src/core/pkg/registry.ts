import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { CircleError, isCircleError } from '../errors.js';
import { readAll } from '../storage/body.js';
import type { ObjectStore } from '../storage/types.js';
import { integrityMatches } from './integrity.js';
import { tarballFilename } from './pack.js';
import {
  emptyPackument,
  keysDocumentSchema,
  parsePackument,
  searchIndexSchema,
  type KeysDocument,
  type Packument,
  type PackumentVersion,
  type SearchIndex,
} from './packument.js';

/**
 * A package registry laid out on any object store, like the npm registry:
 * `<name>/packument.json` (npm's packument), tarballs under `<name>/-/`,
 * `-/npm/v1/keys.json` (npm's keys endpoint shape) and `-/v1/search-index.json`.
 * Tarballs are written create-only; documents are updated by compare-and-swap
 * on the store's ETag, so concurrent publishers never lose each other's versions.
 */
export const KEYS_DOCUMENT = '-/npm/v1/keys.json';
export const SEARCH_INDEX = '-/v1/search-index.json';
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
const CAS_ATTEMPTS = 60;

export function packumentKey(name: string): string {
  return `${name}/packument.json`;
}

export function tarballKey(name: string, version: string): string {
  return `${name}/-/${tarballFilename(name, version)}`;
}

interface Versioned<T> {
  doc: T;
  etag: string | undefined;
}

function isNotFound(error: unknown): boolean {
  return isCircleError(error) && error.code === 'NOT_FOUND';
}

function isConflict(error: unknown): boolean {
  return isCircleError(error) && error.exitCode === 6;
}

export class Registry {
  constructor(readonly store: ObjectStore) {}

  get url(): string {
    return this.store.url;
  }

  private async readText(key: string): Promise<{ text: string; etag: string } | undefined> {
    try {
      const { info, body } = await this.store.get(key);
      if (info.size > MAX_DOCUMENT_BYTES) throw new CircleError('INTEGRITY', `${key} in the registry is larger than ${MAX_DOCUMENT_BYTES} bytes`);
      return { text: (await readAll(body)).toString('utf8'), etag: info.etag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async packument(name: string): Promise<Versioned<Packument> | undefined> {
    const read = await this.readText(packumentKey(name));
    return read ? { doc: parsePackument(read.text, name), etag: read.etag } : undefined;
  }

  async requirePackument(name: string): Promise<Packument> {
    const found = await this.packument(name);
    if (!found) throw new CircleError('NOT_FOUND', `Package ${name} is not in the registry ${this.url}`);
    return found.doc;
  }

  private async readJson<T>(key: string, schema: z.ZodType<T>, fallback: () => T): Promise<Versioned<T>> {
    const read = await this.readText(key);
    if (!read) return { doc: fallback(), etag: undefined };
    let raw: unknown;
    try {
      raw = JSON.parse(read.text);
    } catch {
      throw new CircleError('INTEGRITY', `${key} in the registry is not valid JSON`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new CircleError('INTEGRITY', `${key} in the registry is malformed`);
    return { doc: parsed.data, etag: read.etag };
  }

  /**
   * Read, change, write back only if nobody wrote in between (ETag compare-and-swap),
   * else read again and re-apply. `change` returns undefined to write nothing.
   */
  private async casUpdate<T, R>(key: string, read: () => Promise<Versioned<T>>, change: (doc: T) => { doc: T; result: R } | undefined): Promise<R | undefined> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await read();
      const outcome = change(structuredClone(current.doc));
      if (!outcome) return undefined;
      try {
        await this.store.put(key, Buffer.from(`${JSON.stringify(outcome.doc, null, 2)}\n`), {
          contentType: 'application/json',
          ...(current.etag === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: current.etag }),
        });
        return outcome.result;
      } catch (error) {
        if (!isConflict(error)) throw error;
        await sleep(Math.floor(Math.random() * Math.min(200, 5 * 2 ** attempt)));
      }
    }
    throw new CircleError('LOCK_TIMEOUT', `Could not update ${key}: other publishers kept changing it`, { hint: 'Try again.' });
  }

  async updatePackument<R>(name: string, change: (doc: Packument) => { doc: Packument; result: R } | undefined, options: { create?: boolean } = {}): Promise<R | undefined> {
    return this.casUpdate(
      packumentKey(name),
      async () => {
        const found = await this.packument(name);
        if (found) return found;
        if (!options.create) throw new CircleError('NOT_FOUND', `Package ${name} is not in the registry ${this.url}`);
        return { doc: emptyPackument(name, new Date().toISOString()), etag: undefined };
      },
      (doc) => {
        const outcome = change(doc);
        if (outcome) outcome.doc.time.modified = new Date().toISOString();
        return outcome;
      },
    );
  }

  /** Uploads a tarball create-only. A byte-identical one already there (a retried publish) is fine. */
  async putTarball(name: string, version: string, tarball: Buffer, integrity: string): Promise<string> {
    const key = tarballKey(name, version);
    try {
      await this.store.put(key, tarball, { contentType: 'application/octet-stream', ifNoneMatch: '*' });
    } catch (error) {
      if (!isConflict(error)) throw error;
      const existing = await this.tarballBytes(key);
      if (!integrityMatches(integrity, existing)) {
        throw new CircleError('ALREADY_EXISTS', `A different tarball for ${name}@${version} is already in the registry`, {
          hint: 'Another publish of this version is in progress or was interrupted. Publish a new version.',
        });
      }
    }
    return key;
  }

  async tarballBytes(key: string, maxBytes = 256 * 1024 * 1024): Promise<Buffer> {
    const { info, body } = await this.store.get(key);
    if (info.size > maxBytes) {
      body.destroy();
      throw new CircleError('INTEGRITY', `Tarball ${key} is larger than ${maxBytes} bytes`);
    }
    return readAll(body);
  }

  /** The tarball of a version, by the `dist.tarball` its packument names (a key inside this registry). */
  async fetchTarball(meta: PackumentVersion): Promise<Buffer> {
    const key = tarballKeyOf(meta);
    return this.tarballBytes(key);
  }

  async keysDocument(): Promise<KeysDocument> {
    return (await this.readJson<KeysDocument>(KEYS_DOCUMENT, keysDocumentSchema, () => ({ keys: [] }))).doc;
  }

  async updateKeys<R>(change: (doc: KeysDocument) => { doc: KeysDocument; result: R } | undefined): Promise<R | undefined> {
    return this.casUpdate(KEYS_DOCUMENT, () => this.readJson<KeysDocument>(KEYS_DOCUMENT, keysDocumentSchema, () => ({ keys: [] })), change);
  }

  async searchIndex(): Promise<SearchIndex> {
    return (await this.readJson<SearchIndex>(SEARCH_INDEX, searchIndexSchema, () => ({ packages: {} }))).doc;
  }

  /** Brings the search entry of `name` in line with its packument's latest version. */
  async indexPackage(packument: Packument): Promise<void> {
    const latest = packument['dist-tags'].latest ?? Object.keys(packument.versions).pop();
    const meta = latest ? packument.versions[latest] : undefined;
    await this.casUpdate(SEARCH_INDEX, () => this.readJson<SearchIndex>(SEARCH_INDEX, searchIndexSchema, () => ({ packages: {} })), (doc) => {
      if (!meta) return undefined;
      const entry = {
        version: meta.version,
        ...(meta.description ? { description: meta.description } : {}),
        ...(meta.keywords ? { keywords: meta.keywords } : {}),
        date: packument.time[meta.version] ?? packument.time.modified ?? new Date().toISOString(),
      };
      if (JSON.stringify(doc.packages[packument.name]) === JSON.stringify(entry)) return undefined;
      doc.packages[packument.name] = entry;
      return { doc, result: undefined };
    });
  }
}

/** The store key a version's `dist.tarball` names; refuses anything outside `<name>/-/`. */
export function tarballKeyOf(meta: PackumentVersion): string {
  const expected = tarballKey(meta.name, meta.version);
  const given = meta.dist.tarball;
  // Circle writes the key itself; an npm registry writes a URL ending in the same path.
  if (given === expected || given.endsWith(`/${expected}`)) return expected;
  throw new CircleError('INTEGRITY', `The registry points ${meta.name}@${meta.version} at an unexpected tarball (${given.slice(0, 200)})`);
}
