/**
 * `circle-core/audit`: the hash-chained audit log — append, read, verify, prove consistency,
 * signed checkpoints and watch rules.
 */
export * from '../core/audit/index.js';
export type * from '../core/audit/types.js';
