import { mkdir } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { Parser, Unpack, type ReadEntry } from 'tar';
import { CircleError } from '../errors.js';

/**
 * Reading and extracting package tarballs, whatever their source (the registry, a
 * file given on the command line, a publisher's upload). The policy is npm's own
 * for package tarballs, applied strictly and all-or-nothing: an archive with one
 * entry that is not a plain file or directory, or whose path could leave the
 * target once `\`, drive letters and Unicode are normalised, is refused whole,
 * before anything is written. Two layers hold it: our checks over the parsed
 * entries (this module), then node-tar's own extractor, told to write only the
 * entries we accepted (its filter) with its own path and depth checks on.
 */
export interface ArchiveLimits {
  /** Largest tarball accepted as it comes (compressed). */
  maxCompressedBytes: number;
  /** Largest total of the files inside. */
  maxUnpackedBytes: number;
  maxEntries: number;
  /** Path components below `package/`. */
  maxDepth: number;
  maxPathLength: number;
  /** Unpacked ÷ compressed size above which a tarball is a decompression bomb (past the first MiB). */
  maxCompressionRatio: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxCompressedBytes: 128 * 1024 * 1024,
  maxUnpackedBytes: 512 * 1024 * 1024,
  maxEntries: 100_000,
  maxDepth: 48,
  maxPathLength: 1024,
  maxCompressionRatio: 200,
};

export interface ArchiveFile {
  /** Path inside the package (the first component, usually `package/`, removed). */
  path: string;
  size: number;
  /** 0o644 or 0o755: only the executable bit is carried over. */
  mode: number;
  body: Buffer;
}

export interface ParsedArchive {
  files: ArchiveFile[];
  directories: string[];
  unpackedSize: number;
  /** The uncompressed tar stream, which the extractor replays. */
  tar: Buffer;
  /** Entry paths as written in the tar (with their first component), for node-tar's filter. */
  acceptedRawPaths: Set<string>;
  strip: 0 | 1;
}

export interface ArchiveOptions {
  limits?: ArchiveLimits;
  /** 1 (default): drop the top folder (`package/`), as npm does; 0: keep paths as they are. */
  strip?: 0 | 1;
}

function refuse(message: string, source: string): CircleError {
  return new CircleError('INTEGRITY', `Refused tarball ${source}: ${message}`, {
    hint: 'Nothing was extracted. The archive is malformed or hostile; do not install it.',
  });
}

/** Decompresses with the output capped by both the size limit and the compression ratio. */
function decompress(bytes: Buffer, limits: ArchiveLimits, source: string): Buffer {
  if (bytes.length > limits.maxCompressedBytes) throw refuse(`it is larger than ${limits.maxCompressedBytes} bytes`, source);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  // Each tar entry costs at least a 512-byte header, so allow the header overhead on top of the file cap.
  const sizeCap = limits.maxUnpackedBytes + (limits.maxEntries + 2) * 1024;
  const ratioCap = Math.max(1024 * 1024, bytes.length * limits.maxCompressionRatio);
  const cap = Math.min(sizeCap, ratioCap);
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw refuse(cap === ratioCap ? `its compression ratio exceeds ${limits.maxCompressionRatio}:1 (a decompression bomb)` : `it unpacks to more than ${limits.maxUnpackedBytes} bytes`, source);
    }
    throw refuse(`it is not a valid gzip stream (${code ?? 'corrupt data'})`, source);
  }
}

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * The path below the top folder, or a reason to refuse it. Normalises first, so that
 * `..\`, `C:`, fullwidth dots and other spellings that some platform would read as
 * a parent or an absolute path are caught on every platform.
 */
export function entryPathProblem(raw: string, limits: Pick<ArchiveLimits, 'maxDepth' | 'maxPathLength'>): { problem: string } | { parts: string[] } {
  if (raw.length === 0) return { problem: 'an entry has an empty path' };
  if (raw.length > limits.maxPathLength) return { problem: 'an entry path is too long' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { problem: 'an entry path has control characters' };
  const folded = raw.normalize('NFKC');
  for (const form of [raw, folded]) {
    if (form.startsWith('/') || form.startsWith('\\')) return { problem: `absolute path ${JSON.stringify(raw)}` };
    if (/^[a-zA-Z]:/.test(form) || /(^|[\\/])[a-zA-Z]:/.test(form)) return { problem: `drive-letter path ${JSON.stringify(raw)}` };
    const segments = form.split(/[\\/]+/);
    if (segments.some((s) => s === '..')) return { problem: `path with ".." ${JSON.stringify(raw)}` };
  }
  if (raw.includes('\\')) return { problem: `path with a backslash ${JSON.stringify(raw)}` };
  const parts = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length - 1 > limits.maxDepth) return { problem: `an entry is nested deeper than ${limits.maxDepth} levels` };
  return { parts };
}

/**
 * Parses a (gzipped) tarball fully in memory and applies every check. Throws
 * INTEGRITY (exit 5) on the first hostile or malformed entry; writes nothing.
 */
export function parseTarball(bytes: Buffer, source: string, options: ArchiveOptions = {}): ParsedArchive {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const strip = options.strip ?? 1;
  const tar = decompress(bytes, limits, source);
  const files: ArchiveFile[] = [];
  const directories: string[] = [];
  const acceptedRawPaths = new Set<string>();
  const seen = new Map<string, 'file' | 'dir'>();
  let unpackedSize = 0;
  let entries = 0;
  let failure: CircleError | undefined;
  const fail = (message: string) => {
    failure ??= refuse(message, source);
  };

  const parser = new Parser({
    strict: true,
    maxMetaEntrySize: 1024 * 1024,
    onwarn: (code: string, message: string | Error) => fail(`${code}: ${typeof message === 'string' ? message : message.message}`),
    onReadEntry: (entry: ReadEntry) => {
      entries++;
      if (failure) return entry.resume();
      if (entries > limits.maxEntries) {
        fail(`it has more than ${limits.maxEntries} entries`);
        return entry.resume();
      }
      if (!ALLOWED_TYPES.has(entry.type)) {
        fail(`${entry.type} entry ${JSON.stringify(entry.path)} (only plain files and folders are allowed)`);
        return entry.resume();
      }
      const checked = entryPathProblem(entry.path, limits);
      if ('problem' in checked) {
        fail(checked.problem);
        return entry.resume();
      }
      const inner = checked.parts.slice(strip);
      const isDir = entry.type === 'Directory';
      if (inner.length === 0) {
        // The top folder itself (`package/`), or a file beside it, which npm drops as well.
        if (!isDir) fail(`file ${JSON.stringify(entry.path)} is outside the package folder`);
        else acceptedRawPaths.add(entry.path);
        return entry.resume();
      }
      const rel = inner.join('/');
      // Paths that name the same file on a case-insensitive or normalising file system collide.
      const key = rel.normalize('NFKC').toLowerCase();
      const before = seen.get(key);
      if (before && !(before === 'dir' && isDir)) {
        fail(`two entries name ${JSON.stringify(rel)} (or the same path in another case or Unicode form)`);
        return entry.resume();
      }
      for (let i = 1; i < inner.length; i++) {
        const parentKey = inner.slice(0, i).join('/').normalize('NFKC').toLowerCase();
        if (seen.get(parentKey) === 'file') {
          fail(`${JSON.stringify(rel)} is inside a path that is a file`);
          return entry.resume();
        }
        seen.set(parentKey, 'dir');
      }
      seen.set(key, isDir ? 'dir' : 'file');
      acceptedRawPaths.add(entry.path);
      if (isDir) {
        directories.push(rel);
        return entry.resume();
      }
      const size = entry.size;
      if (!Number.isSafeInteger(size) || size < 0) {
        fail(`entry ${JSON.stringify(rel)} has an invalid size`);
        return entry.resume();
      }
      unpackedSize += size;
      if (unpackedSize > limits.maxUnpackedBytes) {
        fail(`it unpacks to more than ${limits.maxUnpackedBytes} bytes`);
        return entry.resume();
      }
      const chunks: Buffer[] = [];
      const mode = ((entry.mode ?? 0o644) & 0o111) !== 0 ? 0o755 : 0o644;
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.push({ path: rel, size, mode, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
    },
  });
  parser.on('error', (error: Error) => fail(error.message));
  parser.end(tar);
  if (failure) throw failure;
  if (files.length === 0 && directories.length === 0 && entries === 0) throw refuse('it has no entries', source);
  for (const f of files) {
    if (f.body.length !== f.size) throw refuse(`entry ${JSON.stringify(f.path)} is truncated`, source);
  }
  return { files, directories, unpackedSize, tar, acceptedRawPaths, strip };
}

/**
 * Extracts a parsed archive into `target` (created if missing; it should be a fresh,
 * empty folder). node-tar does the writing, but only of entries `parseTarball`
 * accepted, with links, devices and absolute or `..` paths refused by it too.
 */
export async function extractParsed(archive: ParsedArchive, target: string, source: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<void> {
  // The caller verified the archive; the extractor gets a fresh folder it cannot have been pointed around.
  await mkdir(target, { recursive: true, mode: 0o755 });
  let failure: CircleError | undefined;
  await new Promise<void>((resolve, reject) => {
    const unpack = new Unpack({
      cwd: target,
      strip: archive.strip,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      unlink: false,
      maxDepth: limits.maxDepth + 1,
      umask: 0o022,
      filter: (path: string, entry) => {
        const type = 'type' in entry ? entry.type : undefined;
        const ok = acceptedType(type) && archive.acceptedRawPaths.has(path);
        if (!ok) failure ??= refuse(`entry ${JSON.stringify(path)} was not accepted by the first check`, source);
        return ok;
      },
      onwarn: (code: string, message: string | Error) => {
        failure ??= refuse(`${code}: ${typeof message === 'string' ? message : message.message}`, source);
      },
    });
    unpack.on('error', reject);
    unpack.on('close', () => resolve());
    unpack.end(archive.tar);
  });
  if (failure) throw failure;
}

function acceptedType(type: string | undefined): boolean {
  return type !== undefined && ALLOWED_TYPES.has(type);
}
