import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable, Transform, pipeline } from 'node:stream';
import { z } from 'zod';
import { CircleError, errnoCode, isCircleError } from '../errors.js';
import { syncDir } from '../home/atomic.js';
import { withLock } from '../home/lock.js';
import { chunksOf } from './body.js';
import { mapLimit } from './concurrency.js';
import { validateContentType, validateKey, validateMetadata, validatePrefix } from './keys.js';
import type { DeleteOptions, GetResult, ListOptions, ObjectBody, ObjectInfo, ObjectStore, PutOptions } from './types.js';

/**
 * The local backend: one file per object under `<root>/objects/<hh>/<sha256(key)>`,
 * holding the payload followed by a JSON header (key, size, SHA-256, ETag,
 * metadata) and a fixed trailer. Payload and metadata live in one file, so one
 * rename publishes both: a reader, or a crash at any instant, sees the whole old
 * object or the whole new one. Names are hashes so that any valid key maps to a
 * file (no "a" versus "a/b" clash, no case folding, no length limit), and a
 * file moved to another name is caught because its header names its key.
 *
 * Uploads are streamed into `<root>/tmp/` and renamed in under a per-object lock
 * (the home's lock files), which is also where ifMatch / ifNoneMatch are checked.
 * Every read verifies the SHA-256 of the payload: a changed byte ends the stream
 * with INTEGRITY (exit 5).
 */
export class FileStore implements ObjectStore {
  readonly url: string;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private ready: Promise<void> | undefined;

  constructor(readonly root: string) {
    this.url = pathToFileURL(root).href;
    this.objectsDir = join(root, 'objects');
    this.tmpDir = join(root, 'tmp');
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    const metadata = validateMetadata(options.metadata);
    const contentType = validateContentType(options.contentType);
    checkConditions(options);
    options.signal?.throwIfAborted();
    await this.prepare();
    const target = this.pathOf(key);
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    const tmp = join(this.tmpDir, `${randomBytes(12).toString('hex')}.tmp`);
    try {
      const info = await writeObjectFile(tmp, key, body, { contentType, metadata, signal: options.signal });
      await withLock(target, async () => {
        if (options.ifNoneMatch !== undefined || options.ifMatch !== undefined) {
          const current = await readHeaderIfExists(target, key);
          checkPrecondition(key, current?.etag, options);
        }
        options.signal?.throwIfAborted();
        await rename(tmp, target);
      });
      await syncDir(join(target, '..'));
      return info;
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw mapFsError(error, key);
    }
  }

  async get(key: string): Promise<GetResult> {
    validateKey(key);
    const { handle, header } = await this.openObject(key);
    return { info: infoOf(header), body: verifiedBody(handle, header) };
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    const { handle, header } = await this.openObject(key);
    await handle.close();
    return infoOf(header);
  }

  async *list(prefix?: string, _options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    const wanted = validatePrefix(prefix);
    const files: string[] = [];
    for (const shard of await readdirIfExists(this.objectsDir)) {
      if (!SHARD.test(shard)) continue;
      for (const name of await readdirIfExists(join(this.objectsDir, shard))) {
        if (OBJECT_NAME.test(name)) files.push(join(this.objectsDir, shard, name));
      }
    }
    // Headers are read with bounded concurrency: thousands of small reads, each a thread-pool round trip.
    const headers = await mapLimit(files, 32, (file) => readHeaderAt(file, undefined).catch(skipVanished));
    const infos = headers
      .filter((h): h is Header => h !== undefined && h.key.startsWith(wanted))
      .map(infoOf)
      .sort((a, b) => Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8')));
    yield* infos;
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    validateKey(key);
    const target = this.pathOf(key);
    await withLock(target, async () => {
      const current = await readHeaderIfExists(target, key);
      if (current === undefined) throw notFound(key);
      if (options.ifMatch !== undefined) checkPrecondition(key, current.etag, { ifMatch: options.ifMatch });
      await unlink(target);
    }).catch((error: unknown) => {
      throw mapFsError(error, key);
    });
    await syncDir(join(target, '..')).catch(() => undefined);
  }

  private pathOf(key: string): string {
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    return join(this.objectsDir, hash.slice(0, 2), hash);
  }

  private async openObject(key: string): Promise<{ handle: FileHandle; header: Header }> {
    const target = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(target, 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw notFound(key);
      throw mapFsError(error, key);
    }
    try {
      return { handle, header: await readHeader(handle, target, key) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Creates the store's folders once, and clears uploads left behind by a killed process. */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.objectsDir, { recursive: true, mode: 0o700 });
      await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
      await removeStaleUploads(this.tmpDir);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw mapFsError(error, undefined);
    });
    return this.ready;
  }
}

const SHARD = /^[0-9a-f]{2}$/;
const OBJECT_NAME = /^[0-9a-f]{64}$/;
const MAGIC = Buffer.from('CIRCOBJ1', 'ascii');
const TRAILER_BYTES = 4 + MAGIC.length;
const MAX_HEADER_BYTES = 64 * 1024;
/** An upload untouched for this long belongs to a process that died. */
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;
const WRITE_BATCH_BYTES = 1024 * 1024;

const headerSchema = z.strictObject({
  v: z.literal(1),
  key: z.string(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  etag: z.string().regex(/^[0-9a-f]{32}$/),
  lastModified: z.string(),
  contentType: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
});
type Header = z.infer<typeof headerSchema>;

function infoOf(h: Header): ObjectInfo {
  return {
    key: h.key,
    size: h.size,
    etag: h.etag,
    lastModified: h.lastModified,
    ...(h.contentType === undefined ? {} : { contentType: h.contentType }),
    metadata: { ...h.metadata },
  };
}

async function writeObjectFile(
  tmp: string,
  key: string,
  body: ObjectBody,
  options: { contentType: string | undefined; metadata: Record<string, string>; signal: AbortSignal | undefined },
): Promise<ObjectInfo> {
  const handle = await open(tmp, 'wx', 0o600);
  try {
    const hash = createHash('sha256');
    let size = 0;
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    for await (const chunk of chunksOf(body)) {
      options.signal?.throwIfAborted();
      hash.update(chunk);
      size += chunk.length;
      batch.push(chunk);
      batchBytes += chunk.length;
      // Small chunks are gathered: one write per MiB instead of one per chunk.
      if (batchBytes >= WRITE_BATCH_BYTES) {
        await writeFully(handle, Buffer.concat(batch, batchBytes));
        batch = [];
        batchBytes = 0;
      }
    }
    options.signal?.throwIfAborted();
    const header: Header = {
      v: 1,
      key,
      size,
      sha256: hash.digest('hex'),
      etag: randomBytes(16).toString('hex'),
      lastModified: new Date().toISOString(),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      metadata: options.metadata,
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const trailer = Buffer.alloc(TRAILER_BYTES);
    trailer.writeUInt32BE(json.length, 0);
    MAGIC.copy(trailer, 4);
    batch.push(json, trailer);
    await writeFully(handle, Buffer.concat(batch));
    await handle.sync();
    return infoOf(header);
  } finally {
    await handle.close();
  }
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

async function readHeaderAt(file: string, key: string | undefined): Promise<Header> {
  const handle = await open(file, 'r');
  try {
    return await readHeader(handle, file, key);
  } finally {
    await handle.close();
  }
}

async function readHeaderIfExists(file: string, key: string): Promise<Header | undefined> {
  try {
    return await readHeaderAt(file, key);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads and checks the header at the end of an object file; anything odd is INTEGRITY. */
async function readHeader(handle: FileHandle, file: string, key: string | undefined): Promise<Header> {
  const { size: fileSize } = await handle.stat();
  const corrupt = (why: string) =>
    new CircleError('INTEGRITY', `Stored object ${key === undefined ? file : JSON.stringify(key)} is corrupt: ${why}`, {
      hint: 'The file was changed outside circle; restore it from a backup or delete the object.',
      details: { file },
    });
  if (fileSize < TRAILER_BYTES) throw corrupt('the file is truncated');
  const trailer = Buffer.alloc(TRAILER_BYTES);
  await handle.read(trailer, 0, TRAILER_BYTES, fileSize - TRAILER_BYTES);
  if (!trailer.subarray(4).equals(MAGIC)) throw corrupt('its trailer is missing');
  const headerBytes = trailer.readUInt32BE(0);
  if (headerBytes > MAX_HEADER_BYTES || headerBytes > fileSize - TRAILER_BYTES) throw corrupt('its header length is out of range');
  const json = Buffer.alloc(headerBytes);
  await handle.read(json, 0, headerBytes, fileSize - TRAILER_BYTES - headerBytes);
  let header: Header;
  try {
    header = headerSchema.parse(JSON.parse(json.toString('utf8')));
  } catch {
    throw corrupt('its header is not valid');
  }
  if (header.size !== fileSize - TRAILER_BYTES - headerBytes) throw corrupt('its size does not match its header');
  const expectedName = createHash('sha256').update(header.key, 'utf8').digest('hex');
  if (!file.endsWith(expectedName)) throw corrupt('it is stored under another key’s name');
  if (key !== undefined && header.key !== key) throw corrupt('it belongs to another key');
  return header;
}

/** The payload, streamed and checked against the header's SHA-256 as it goes. */
function verifiedBody(handle: FileHandle, header: Header): Readable {
  const hash = createHash('sha256');
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      if (hash.digest('hex') === header.sha256) callback();
      else callback(new CircleError('INTEGRITY', `Stored object ${JSON.stringify(header.key)} is corrupt: its content does not match its checksum`));
    },
  });
  const source =
    header.size === 0
      ? Readable.from([])
      : handle.createReadStream({ start: 0, end: header.size - 1, autoClose: true, highWaterMark: 256 * 1024 });
  if (header.size === 0) void handle.close();
  // pipeline destroys the file stream (closing the descriptor) when the reader stops early.
  return pipeline(source, verifier, () => undefined);
}

function checkConditions(options: PutOptions): void {
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== '*') {
    throw new CircleError('USAGE', 'ifNoneMatch only takes "*" (create only)');
  }
  if (options.ifNoneMatch !== undefined && options.ifMatch !== undefined) {
    throw new CircleError('USAGE', 'Give ifNoneMatch or ifMatch, not both');
  }
}

/** Throws CONFLICT (exit 6) when the object's current ETag fails the put's condition. */
export function checkPrecondition(key: string, current: string | undefined, options: { ifNoneMatch?: '*'; ifMatch?: string }): void {
  if (options.ifNoneMatch === '*' && current !== undefined) {
    throw new CircleError('CONFLICT', `Object ${JSON.stringify(key)} already exists`, { details: { key } });
  }
  if (options.ifMatch !== undefined && current !== options.ifMatch) {
    throw new CircleError('CONFLICT', `Object ${JSON.stringify(key)} changed since it was read (${current === undefined ? 'it is gone' : 'its ETag differs'})`, {
      hint: 'Read it again and retry.',
      details: { key },
    });
  }
}

function notFound(key: string): CircleError {
  return new CircleError('NOT_FOUND', `No object ${JSON.stringify(key)}`, { details: { key } });
}

function mapFsError(error: unknown, key: string | undefined): unknown {
  if (isCircleError(error) || (error instanceof Error && error.name === 'AbortError')) return error;
  const code = errnoCode(error);
  const what = key === undefined ? 'the store' : `object ${JSON.stringify(key)}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new CircleError('PERMISSION_DENIED', `Cannot write ${what}: permission denied`, { cause: error });
  }
  if (code === 'ENOENT' && key !== undefined) return notFound(key);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new CircleError('IO', `Cannot write ${what}: the disk is full`, { cause: error });
  return error;
}

function skipVanished(error: unknown): undefined {
  // Deleted between the directory listing and the read: it is simply not there any more.
  if (errnoCode(error) === 'ENOENT') return undefined;
  throw error;
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

async function removeStaleUploads(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdirIfExists(dir)) {
    const file = join(dir, name);
    const s = await stat(file).catch(() => undefined);
    if (s !== undefined && now - s.mtimeMs > STALE_UPLOAD_MS) await unlink(file).catch(() => undefined);
  }
}
