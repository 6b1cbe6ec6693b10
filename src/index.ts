/**
 * circle-core's library API: everything the `circle` command does, callable
 * without shelling out. Commands are thin wrappers over these exports.
 */
export { CircleError, ErrorCodes, ExitCode, isCircleError } from './core/errors.js';
export type { CircleErrorJson, ErrorCode, ExitCodeValue } from './core/errors.js';
export { resolveHome, resolveCacheDir, ensureHome } from './core/home/paths.js';
export type { HomeLocation } from './core/home/paths.js';
export { writeFileAtomic } from './core/home/atomic.js';
export { withLock } from './core/home/lock.js';
export { readDocument, writeDocument, updateDocument } from './core/home/document.js';
export type { DocumentKind } from './core/home/document.js';
