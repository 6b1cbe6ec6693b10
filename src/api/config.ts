/**
 * `circle-core/config`: the layered configuration (defaults < user < project < project environment
 * section < CIRCLE_* < flags), its schema, and the home directory it lives in.
 */
export * from '../core/config/index.js';
export { resolveHome, resolveCacheDir, ensureHome, type HomeLocation } from '../core/home/paths.js';
export type * from '../core/config/types.js';
