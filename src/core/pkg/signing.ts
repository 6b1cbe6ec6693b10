import { ed25519Sign, ed25519Verify, spkiKeyId } from '../crypto/ed25519.js';

/**
 * Package signatures in npm's registry shape, `dist.signatures: [{ keyid, sig }]`,
 * over the same message npm signs, `${name}@${version}:${integrity}`, but with
 * Ed25519 keys held by the team instead of the registry's P-256 key.
 *
 * The message binds name, version and the tarball's sha512, so a signature cannot
 * be moved to another version or another tarball. It does not bind a time: when a
 * key is revoked at T, the version's publish time in the packument decides, and
 * whoever can rewrite the packument can backdate it (docs/pkg.md says so).
 */
export interface PackageSignature {
  keyid: string;
  /** base64 Ed25519 signature (64 bytes). */
  sig: string;
}

export interface TrustedKey {
  keyid: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** `@acme`: the key vouches only for `@acme/…` packages. */
  scope?: string;
  /** Signatures on versions published after this instant are rejected. */
  revokedAt?: string;
}

export function signatureMessage(name: string, version: string, integrity: string): Buffer {
  return Buffer.from(`${name}@${version}:${integrity}`, 'utf8');
}

export function signPackage(seed: Uint8Array, publicKey: Uint8Array, name: string, version: string, integrity: string): PackageSignature {
  return { keyid: spkiKeyId(publicKey), sig: ed25519Sign(seed, signatureMessage(name, version, integrity)).toString('base64') };
}

export type SignatureFailure = 'unsigned' | 'untrusted' | 'invalid' | 'revoked' | 'out-of-scope';

export type SignatureVerdict = { ok: true; keyid: string } | { ok: false; reason: SignatureFailure; keyid?: string; message: string };

export interface VerifyInput {
  name: string;
  version: string;
  integrity: string;
  signatures: readonly PackageSignature[] | undefined;
  /** `time[version]` from the packument (ISO 8601). */
  publishedAt?: string;
  trusted: readonly TrustedKey[];
  /** keyid → revocation instant, as published by the registry's keys document; only ever narrows trust. */
  registryRevocations?: ReadonlyMap<string, string>;
}

function scopeOf(name: string): string | undefined {
  return name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
}

function revokedBefore(revokedAt: string | undefined, publishedAt: string | undefined): boolean {
  if (revokedAt === undefined) return false;
  // Without a publish time there is nothing to place the signature before the revocation.
  if (publishedAt === undefined) return true;
  const published = Date.parse(publishedAt);
  return !Number.isFinite(published) || published > Date.parse(revokedAt);
}

/**
 * Accepts the version when one signature verifies under a trusted key that covers the
 * package's scope and was not revoked before the version was published. The failure
 * reported is the most telling one met (a bad signature beats an unknown key).
 */
export function verifyPackageSignatures(input: VerifyInput): SignatureVerdict {
  const id = `${input.name}@${input.version}`;
  if (!input.signatures || input.signatures.length === 0) return { ok: false, reason: 'unsigned', message: `${id} has no signature` };
  const message = signatureMessage(input.name, input.version, input.integrity);
  const rank: Record<SignatureFailure, number> = { unsigned: 0, untrusted: 1, 'out-of-scope': 2, revoked: 3, invalid: 4 };
  let worst: Extract<SignatureVerdict, { ok: false }> | undefined;
  const note = (v: Extract<SignatureVerdict, { ok: false }>) => {
    if (!worst || rank[v.reason] > rank[worst.reason]) worst = v;
  };
  for (const signature of input.signatures.slice(0, 16)) {
    const keys = input.trusted.filter((k) => k.keyid === signature.keyid);
    if (keys.length === 0) {
      note({ ok: false, reason: 'untrusted', keyid: signature.keyid, message: `${id} is signed by ${signature.keyid}, which is not a trusted key` });
      continue;
    }
    const sig = Buffer.from(signature.sig, 'base64');
    for (const key of keys) {
      if (key.scope !== undefined && key.scope !== scopeOf(input.name)) {
        note({ ok: false, reason: 'out-of-scope', keyid: key.keyid, message: `${id} is signed by ${key.keyid}, which is trusted only for ${key.scope}` });
        continue;
      }
      if (!ed25519Verify(key.publicKey, message, sig)) {
        note({ ok: false, reason: 'invalid', keyid: key.keyid, message: `${id} has a signature by ${key.keyid} that does not verify (the tarball or its metadata was changed)` });
        continue;
      }
      const revokedAt = [key.revokedAt, input.registryRevocations?.get(key.keyid)].filter((t): t is string => t !== undefined).sort()[0];
      if (revokedBefore(revokedAt, input.publishedAt)) {
        note({ ok: false, reason: 'revoked', keyid: key.keyid, message: `${id} was signed by ${key.keyid}, revoked at ${revokedAt}, after that key was revoked` });
        continue;
      }
      return { ok: true, keyid: key.keyid };
    }
  }
  return worst ?? { ok: false, reason: 'unsigned', message: `${id} has no signature` };
}
