import { open } from 'node:fs/promises';
import { Header, Pax } from 'tar';
import { CircleError } from '../errors.js';

const BLOCK = 512;
const READ_BYTES = 1024 * 1024;

export interface ArchiveFile {
  /** Path inside the archive ('/'-separated). */
  path: string;
  /** Absolute path on disk. */
  source: string;
  size: number;
  mode: number;
}

function headerBlocks(data: { path: string; size: number; mode: number; type: 'File' | 'Directory'; mtime: Date }): Buffer {
  const header = new Header({ ...data, uid: 0, gid: 0, uname: '', gname: '' });
  const block = Buffer.alloc(BLOCK);
  const needPax = header.encode(block);
  if (!needPax) return block;
  // Long or non-ASCII paths need a PAX extended header before the entry (POSIX.1-2001).
  return Buffer.concat([new Pax({ path: data.path, size: data.size, mtime: data.mtime }).encode(), block]);
}

/**
 * A POSIX tar stream (ustar + PAX for long names) of an in-memory manifest file
 * followed by the given directories and files, read as they are written. Each
 * file is read for exactly the size stated in its header, so a file that grows
 * meanwhile cannot corrupt the archive; one that shrank is an error.
 */
export async function* tarStream(first: { path: string; content: Buffer }, dirs: string[], files: ArchiveFile[], mtime = new Date()): AsyncGenerator<Buffer> {
  yield headerBlocks({ path: first.path, size: first.content.length, mode: 0o600, type: 'File', mtime });
  yield padded(first.content);
  for (const dir of dirs) yield headerBlocks({ path: dir.endsWith('/') ? dir : `${dir}/`, size: 0, mode: 0o700, type: 'Directory', mtime });
  for (const file of files) {
    yield headerBlocks({ path: file.path, size: file.size, mode: file.mode, type: 'File', mtime });
    const handle = await open(file.source, 'r');
    try {
      let offset = 0;
      while (offset < file.size) {
        const want = Math.min(READ_BYTES, file.size - offset);
        const buffer = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buffer, 0, want, offset);
        if (bytesRead === 0) throw new CircleError('CONFLICT', `${file.path} shrank while it was being backed up`, { hint: 'Retry the backup.' });
        offset += bytesRead;
        yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
    const pad = (BLOCK - (file.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

function padded(content: Buffer): Buffer {
  const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return pad === 0 ? content : Buffer.concat([content, Buffer.alloc(pad)]);
}
