import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CircleError, errnoCode } from '../errors.js';

/**
 * Files the user names on the command line (inputs to read, outputs to write), with errors
 * that say which path is wrong and how: exit 4 when it does not exist, exit 2 when it exists
 * but cannot be used (a folder, no permission). A missing output folder is not created: a
 * typo in `-o ~/safe/x.age` should not grow a tree of folders.
 */
export function inputFileError(path: string, error: unknown, what = 'File'): CircleError | undefined {
  switch (errnoCode(error)) {
    case 'ENOENT':
      return new CircleError('NOT_FOUND', `${what} not found: ${path}`, { cause: error, details: { path } });
    case 'ENOTDIR':
      return new CircleError('NOT_FOUND', `${what} not found: ${path} (a part of the path is not a folder)`, { cause: error, details: { path } });
    case 'EISDIR':
      return new CircleError('USAGE', `${what} ${path} is a folder, not a file`, { cause: error, details: { path } });
    case 'EACCES':
    case 'EPERM':
      return new CircleError('USAGE', `${what} ${path} cannot be read: permission denied`, { cause: error, details: { path } });
    default:
      return undefined;
  }
}

/** The error for a file that cannot be created at `path`, or undefined when the cause is not the path. */
export function outputFileError(path: string, error: unknown): CircleError | undefined {
  switch (errnoCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new CircleError('NOT_FOUND', `The folder ${dirname(path)} does not exist, so ${path} cannot be written`, {
        hint: `Create it first (mkdir -p ${dirname(path)}) or choose another path.`,
        cause: error,
        details: { path },
      });
    case 'EISDIR':
      return new CircleError('USAGE', `${path} is a folder; give a file name to write`, { cause: error, details: { path } });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new CircleError('USAGE', `${path} cannot be written: permission denied`, { cause: error, details: { path } });
    default:
      return undefined;
  }
}

/** A text file the user named (`--from-file`, `-R`, `-i`…), read whole. */
export async function readInputFile(path: string, what = 'File'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw inputFileError(path, error, what) ?? error;
  }
}

/** Fails early, with the path in the message, when `path` is not a readable regular file or stream. */
export async function checkInputPath(path: string, what = 'File'): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    throw inputFileError(path, error, what) ?? error;
  }
}
