import type { Stanza } from './header.js';

/** Something a file key can be wrapped to. */
export interface AgeRecipient {
  wrap(fileKey: Buffer): Promise<Stanza[]>;
  /** age forbids mixing some stanza types (scrypt must stand alone). */
  readonly exclusive?: boolean;
}

/**
 * Something that can unwrap a file key. Returns undefined when no stanza is for
 * it; throws when a stanza is for it but is malformed or fails (wrong passphrase).
 */
export interface AgeIdentity {
  unwrap(stanzas: Stanza[]): Promise<Buffer | undefined>;
}

/** `--json` result of `circle decrypt`. */
export interface DecryptResult {
  output: string;
}

/** `--json` result of `circle encrypt`. */
export interface EncryptResult {
  output: string;
  recipients: number;
  armor: boolean;
  passphrase: boolean;
}
