import { agreeAsRecipient, agreeWithRecipient } from '../crypto/hybrid-seal.js';
import { generateX25519KeyPair as generateRawX25519, x25519PublicFromPrivate } from '../crypto/x25519.js';
import { CircleError } from '../errors.js';
import { decodeStrictBase64, encodeBase64NoPad, malformed } from './base64.js';
import { bech32Decode, bech32Encode } from './bech32.js';
import type { Stanza } from './header.js';
import { unwrapFileKey, wrapFileKey } from './primitives.js';
import type { AgeIdentity, AgeRecipient } from './types.js';

const label = 'age-encryption.org/v1/X25519';

export function parseX25519Recipient(text: string): Buffer {
  const { hrp, data } = bech32Decode(text);
  if (hrp !== 'age' || data.length !== 32) throw new CircleError('USAGE', 'Not an age X25519 recipient (age1…)');
  return data;
}

export function parseX25519Identity(text: string): Buffer {
  const { hrp, data } = bech32Decode(text);
  if (hrp !== 'age-secret-key-' || data.length !== 32) throw new CircleError('USAGE', 'Not an age X25519 identity (AGE-SECRET-KEY-1…)');
  return data;
}

export function formatX25519Recipient(publicKey: Uint8Array): string {
  return bech32Encode('age', publicKey);
}

export function formatX25519Identity(secret: Uint8Array): string {
  return bech32Encode('AGE-SECRET-KEY-', secret, true);
}

export interface X25519KeyPair {
  /** `AGE-SECRET-KEY-1…`: handle as a secret. */
  identity: string;
  recipient: string;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const { privateKey, publicKey } = generateRawX25519();
  return { identity: formatX25519Identity(privateKey), recipient: formatX25519Recipient(publicKey) };
}

export function recipientOfIdentity(identity: string): string {
  return formatX25519Recipient(x25519PublicFromPrivate(parseX25519Identity(identity)));
}

/**
 * Wraps under X25519(ephemeral, recipient) as the age spec's X25519 stanza (the key
 * agreement is crypto/hybrid-seal.ts); also used by ssh-ed25519, with its tweak.
 */
export function wrapToX25519(fileKey: Buffer, theirPublic: Buffer, info: string, tweak?: Buffer): { share: Buffer; body: Buffer } {
  const { epk, key } = agreeWithRecipient(theirPublic, info, tweak ? { tweak } : {});
  return { share: epk, body: wrapFileKey(key, fileKey) };
}

export function unwrapFromX25519(secret: Buffer, ourPublic: Buffer, share: Buffer, body: Buffer, info: string, tweak?: Buffer, keyLength = 16): Buffer | undefined {
  const key = agreeAsRecipient(secret, ourPublic, share, info, tweak ? { tweak } : {});
  if (!key) throw malformed('X25519 stanza has a low-order ephemeral share');
  return unwrapFileKey(key, body, keyLength);
}

export class X25519Recipient implements AgeRecipient {
  readonly publicKey: Buffer;
  constructor(recipient: string | Buffer) {
    this.publicKey = typeof recipient === 'string' ? parseX25519Recipient(recipient) : recipient;
  }
  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const { share, body } = wrapToX25519(fileKey, this.publicKey, label);
    return [{ type: 'X25519', args: [encodeBase64NoPad(share)], body }];
  }
}

export class X25519Identity implements AgeIdentity {
  readonly secret: Buffer;
  readonly publicKey: Buffer;
  constructor(identity: string | Buffer) {
    this.secret = typeof identity === 'string' ? parseX25519Identity(identity) : identity;
    this.publicKey = x25519PublicFromPrivate(this.secret);
  }
  get recipient(): string {
    return formatX25519Recipient(this.publicKey);
  }
  async unwrap(stanzas: Stanza[]): Promise<Buffer | undefined> {
    for (const stanza of stanzas) {
      if (stanza.type !== 'X25519') continue;
      if (stanza.args.length !== 1) throw malformed('X25519 stanza must have one argument');
      const share = decodeStrictBase64(stanza.args[0]!, 'X25519 share');
      if (share.length !== 32) throw malformed('X25519 share must be 32 bytes');
      if (stanza.body.length !== 32) throw malformed('X25519 stanza body must be 32 bytes');
      const fileKey = unwrapFromX25519(this.secret, this.publicKey, share, stanza.body, label);
      if (fileKey) return fileKey;
    }
    return undefined;
  }
}
