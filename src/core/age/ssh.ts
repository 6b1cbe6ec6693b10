import { createHash, createPrivateKey, createPublicKey, constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { CircleError } from '../errors.js';
import { decodeStrictBase64, encodeBase64NoPad, malformed } from './base64.js';
import { ed25519PublicToX25519, ed25519SeedToX25519 } from '../crypto/ed25519-to-x25519.js';
import { okpRawPrivateKey, okpRawPublicKey } from '../crypto/okp.js';
import type { Stanza } from './header.js';
import { hkdf } from './primitives.js';
import type { AgeIdentity, AgeRecipient } from './types.js';
import { unwrapFromX25519, wrapToX25519 } from './x25519.js';

const ed25519Label = 'age-encryption.org/v1/ssh-ed25519';
const rsaLabel = 'age-encryption.org/v1/ssh-rsa';

/** Reader for the SSH wire format (RFC 4251 §5): length-prefixed strings and integers. */
class WireReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  uint32(): number {
    if (this.offset + 4 > this.buf.length) throw new Error('truncated SSH key');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.uint32();
    if (this.offset + n > this.buf.length) throw new Error('truncated SSH key');
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  string(): string {
    return this.bytes().toString('latin1');
  }
  get done(): boolean {
    return this.offset === this.buf.length;
  }
}

function b64url(bytes: Buffer): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start).toString('base64url');
}

function mpint(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function bigToB64url(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The 4-byte tag age puts in ssh stanzas so a reader can skip stanzas for other keys. */
export function sshTag(wireKey: Buffer): string {
  return encodeBase64NoPad(createHash('sha256').update(wireKey).digest().subarray(0, 4));
}

export type SshPublicKey = { type: 'ssh-ed25519'; wire: Buffer; publicKey: Buffer } | { type: 'ssh-rsa'; wire: Buffer; key: KeyObject };

/** Parses an authorized_keys-style line: `ssh-ed25519 AAAA… comment`. */
export function parseSshPublicKey(line: string): SshPublicKey {
  const bad = (why: string) => new CircleError('USAGE', `Invalid SSH public key: ${why}`, { hint: 'Expected a line such as "ssh-ed25519 AAAA… comment" or "ssh-rsa AAAA…".' });
  const [type, data] = line.trim().split(/\s+/);
  if (type !== 'ssh-ed25519' && type !== 'ssh-rsa') throw bad(`unsupported type ${JSON.stringify(type)}`);
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw bad('missing key data');
  const wire = Buffer.from(data, 'base64');
  try {
    const r = new WireReader(wire);
    if (r.string() !== type) throw bad('key type does not match its data');
    if (type === 'ssh-ed25519') {
      const publicKey = r.bytes();
      if (publicKey.length !== 32 || !r.done) throw bad('wrong Ed25519 key length');
      ed25519PublicToX25519(publicKey);
      return { type, wire, publicKey: Buffer.from(publicKey) };
    }
    const e = r.bytes();
    const n = r.bytes();
    if (!r.done) throw bad('trailing data');
    const key = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw bad('RSA keys shorter than 2048 bits are refused');
    return { type, wire, key };
  } catch (error) {
    if (error instanceof CircleError) throw error;
    throw bad((error as Error).message);
  }
}

export class SshEd25519Recipient implements AgeRecipient {
  private readonly montgomery: Buffer;
  constructor(private readonly key: Extract<SshPublicKey, { type: 'ssh-ed25519' }>) {
    this.montgomery = ed25519PublicToX25519(key.publicKey);
  }
  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const tweak = hkdf(Buffer.alloc(0), this.key.wire, ed25519Label);
    const { share, body } = wrapToX25519(fileKey, this.montgomery, ed25519Label, tweak);
    return [{ type: 'ssh-ed25519', args: [sshTag(this.key.wire), encodeBase64NoPad(share)], body }];
  }
}

export class SshRsaRecipient implements AgeRecipient {
  constructor(private readonly key: Extract<SshPublicKey, { type: 'ssh-rsa' }>) {}
  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const body = publicEncrypt({ key: this.key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(rsaLabel) }, fileKey);
    return [{ type: 'ssh-rsa', args: [sshTag(this.key.wire)], body }];
  }
}

export function sshRecipient(line: string): AgeRecipient {
  const key = parseSshPublicKey(line);
  return key.type === 'ssh-ed25519' ? new SshEd25519Recipient(key) : new SshRsaRecipient(key);
}

export class SshEd25519Identity implements AgeIdentity {
  private readonly secret: Buffer;
  private readonly ourPublic: Buffer;
  private readonly tag: string;
  private readonly tweak: Buffer;
  constructor(seed: Buffer, publicKey: Buffer) {
    const wire = sshWire('ssh-ed25519', publicKey);
    this.secret = ed25519SeedToX25519(seed);
    this.ourPublic = ed25519PublicToX25519(publicKey);
    this.tag = sshTag(wire);
    this.tweak = hkdf(Buffer.alloc(0), wire, ed25519Label);
  }
  async unwrap(stanzas: Stanza[]): Promise<Buffer | undefined> {
    for (const s of stanzas) {
      if (s.type !== 'ssh-ed25519') continue;
      if (s.args.length !== 2) throw malformed('ssh-ed25519 stanza must have two arguments');
      if (s.args[0] !== this.tag) continue;
      const share = decodeStrictBase64(s.args[1]!, 'ssh-ed25519 share');
      if (share.length !== 32 || s.body.length !== 32) throw malformed('ssh-ed25519 stanza has the wrong length');
      const fileKey = unwrapFromX25519(this.secret, this.ourPublic, share, s.body, ed25519Label, this.tweak);
      if (fileKey) return fileKey;
    }
    return undefined;
  }
}

export class SshRsaIdentity implements AgeIdentity {
  private readonly tag: string;
  constructor(private readonly key: KeyObject) {
    const jwk = createPublicKey(key).export({ format: 'jwk' });
    this.tag = sshTag(sshWire('ssh-rsa', Buffer.from(jwk.e!, 'base64url'), Buffer.from(jwk.n!, 'base64url')));
  }
  async unwrap(stanzas: Stanza[]): Promise<Buffer | undefined> {
    for (const s of stanzas) {
      if (s.type !== 'ssh-rsa') continue;
      if (s.args.length !== 1) throw malformed('ssh-rsa stanza must have one argument');
      if (s.args[0] !== this.tag) continue;
      try {
        const fileKey = privateDecrypt({ key: this.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(rsaLabel) }, s.body);
        if (fileKey.length === 16) return fileKey;
      } catch {
        // Not for us after all (tag collision); age moves on to the next stanza.
      }
    }
    return undefined;
  }
}

/** Encodes SSH wire format: the type then each part as an SSH string (mpints are passed already minimal). */
function sshWire(type: string, ...parts: Buffer[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of [Buffer.from(type), ...parts.map(asMpintIfNeeded(type))]) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(part.length);
    chunks.push(len, part);
  }
  return Buffer.concat(chunks);
}

function asMpintIfNeeded(type: string): (b: Buffer) => Buffer {
  if (type !== 'ssh-rsa') return (b) => b;
  return (b) => {
    let start = 0;
    while (start < b.length - 1 && b[start] === 0) start++;
    const trimmed = b.subarray(start);
    return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), trimmed]) : trimmed;
  };
}

/** Loads an SSH private key file: OpenSSH format (unencrypted) or PEM that node:crypto reads. */
export function parseSshPrivateKey(text: string): AgeIdentity {
  const unsupported = (why: string) => new CircleError('USAGE', `Cannot use this SSH private key: ${why}`);
  const match = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!match) {
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch {
      throw unsupported('not a recognised private key');
    }
    if (key.asymmetricKeyType === 'rsa') return new SshRsaIdentity(key);
    if (key.asymmetricKeyType === 'ed25519') {
      return new SshEd25519Identity(okpRawPrivateKey('Ed25519', key), okpRawPublicKey('Ed25519', key));
    }
    throw unsupported(`key type ${key.asymmetricKeyType} is not supported`);
  }
  const blob = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  const magic = Buffer.from('openssh-key-v1\0');
  if (!blob.subarray(0, magic.length).equals(magic)) throw unsupported('bad OpenSSH key header');
  try {
    const r = new WireReader(blob.subarray(magic.length));
    const cipher = r.string();
    r.string(); // kdf name
    r.bytes(); // kdf options
    if (cipher !== 'none') throw unsupported('passphrase-protected SSH keys are not supported; decrypt a copy with `ssh-keygen -p`');
    if (r.uint32() !== 1) throw unsupported('files with several keys are not supported');
    r.bytes(); // public key
    const priv = new WireReader(r.bytes());
    if (priv.uint32() !== priv.uint32()) throw unsupported('check bytes differ (corrupt key)');
    const type = priv.string();
    if (type === 'ssh-ed25519') {
      const pub = priv.bytes();
      const both = priv.bytes();
      if (pub.length !== 32 || both.length !== 64) throw unsupported('bad Ed25519 key length');
      return new SshEd25519Identity(Buffer.from(both.subarray(0, 32)), Buffer.from(pub));
    }
    if (type === 'ssh-rsa') {
      const [n, e, dd, iqmp, pp, q] = [priv.bytes(), priv.bytes(), priv.bytes(), priv.bytes(), priv.bytes(), priv.bytes()].map(mpint) as [bigint, bigint, bigint, bigint, bigint, bigint];
      const key = createPrivateKey({
        key: { kty: 'RSA', n: bigToB64url(n), e: bigToB64url(e), d: bigToB64url(dd), p: bigToB64url(pp), q: bigToB64url(q), dp: bigToB64url(dd % (pp - 1n)), dq: bigToB64url(dd % (q - 1n)), qi: bigToB64url(iqmp) },
        format: 'jwk',
      });
      return new SshRsaIdentity(key);
    }
    throw unsupported(`key type ${type} is not supported`);
  } catch (error) {
    if (error instanceof CircleError) throw error;
    throw unsupported((error as Error).message);
  }
}
