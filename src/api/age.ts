/**
 * `circle-core/age`: age v1 file encryption (X25519, scrypt passphrases, ssh-ed25519 and
 * ssh-rsa recipients, ASCII armor), streaming with constant memory.
 */
export * from '../core/age/index.js';
export type { DecryptResult, EncryptResult } from '../core/age/types.js';
