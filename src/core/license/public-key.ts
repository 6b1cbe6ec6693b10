import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ed25519FromSpki, ed25519PublicKey, ed25519Spki } from '../crypto/ed25519.js';

/**
 * An issuer public key as the verifier uses it: raw bytes, the KeyObject
 * (made once, cached: building it costs as much as a verification) and the key id.
 */
export interface IssuerPublicKey {
  raw: Buffer;
  key: KeyObject;
  /** `SHA256:` + base64 of SHA-256 over the DER SubjectPublicKeyInfo (what `spkiKeyId` gives). */
  kid: string;
}

export type PublicKeyInput = string | Uint8Array | KeyObject;

const cache = new Map<string, IssuerPublicKey>();
const CACHE_LIMIT = 64;

function fromRaw(raw: Buffer): IssuerPublicKey {
  const hex = raw.toString('hex');
  const known = cache.get(hex);
  if (known) return known;
  const spki = ed25519Spki(raw);
  const entry = {
    raw,
    key: ed25519PublicKey(raw),
    kid: `SHA256:${createHash('sha256').update(spki).digest('base64')}`,
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(hex, entry);
  return entry;
}

/**
 * Reads an Ed25519 public key given as raw bytes, a KeyObject, 64 hex digits
 * (Keygen's dashboard), 44 base64 characters (`circle license keys export`),
 * or a PEM `PUBLIC KEY` block. Undefined for anything else; never throws.
 */
export function parsePublicKey(input: PublicKeyInput): IssuerPublicKey | undefined {
  try {
    if (typeof input === 'string') {
      const text = input.trim();
      if (/^[0-9a-fA-F]{64}$/.test(text)) return fromRaw(Buffer.from(text, 'hex'));
      if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return fromRaw(Buffer.from(text, 'base64'));
      const pem = /^-----BEGIN PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----$/.exec(text);
      if (pem) {
        const raw = ed25519FromSpki(Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64'));
        return raw ? fromRaw(Buffer.from(raw)) : undefined;
      }
      return undefined;
    }
    if (input instanceof Uint8Array) return input.length === 32 ? fromRaw(Buffer.from(input)) : undefined;
    if (input.type !== 'public' || input.asymmetricKeyType !== 'ed25519') return undefined;
    const raw = ed25519FromSpki(input.export({ format: 'der', type: 'spki' }));
    return raw ? fromRaw(Buffer.from(raw)) : undefined;
  } catch {
    return undefined;
  }
}
