/**
 * `circle-core/secrets`: encrypted secrets in the project (`.circle/secrets/<env>.json`) and
 * personal (vault) scopes, dotenv/JSON/shell formats, `secret://` references, and running a
 * command with secrets in its environment.
 */
export * from '../core/secrets/index.js';
export type * from '../core/secrets/types.js';
