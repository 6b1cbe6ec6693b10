import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { CircleError } from '../errors.js';
import { ensurePrivateDir } from '../home/paths.js';
import { readDocument, writeDocument, type DocumentKind } from '../home/document.js';
import { withLock } from '../home/lock.js';
import { rawX25519PublicKey } from './details.js';
import { formatVerifierKey, isValidKeyName, parseVerifierKey } from './note.js';
import { auditLayout } from './layout.js';

/**
 * The audit log's keys. Appending needs only the public halves (a failed login is
 * recorded by a process that unlocked nothing); reading details needs
 * `detailsPrivateKey`; writing a checkpoint needs `signingKey`.
 *
 * TEMPORARY SOURCE: until the vault exists, the private halves live in
 * `<home>/audit-keys.json` (mode 0600). `loadAuditKeys` is the single function to
 * switch to `getSystemSecret(ctx, 'audit.details-key' | 'audit.signing-key')`.
 */
export interface AuditKeys {
  /** The log's identity: checkpoint origin and signed-note key name. */
  origin: string;
  detailsPublicKey: KeyObject;
  detailsPrivateKey?: KeyObject;
  signingKey?: KeyObject;
  verifyKey: KeyObject;
}

const b64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const publicKeysKind: DocumentKind<{ origin: string; detailsPublicKey: string; verifierKey: string }> = {
  format: 'circle-audit-public-keys',
  version: 1,
  schema: z.object({ origin: z.string().refine(isValidKeyName), detailsPublicKey: b64url32, verifierKey: z.string() }),
};

const privateKeysKind: DocumentKind<{ detailsPrivateKey: string; signingKey: string }> = {
  format: 'circle-audit-private-keys',
  version: 1,
  schema: z.object({ detailsPrivateKey: b64url32, signingKey: b64url32 }),
};

function x25519Public(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}

/** The public halves, in clear in the home; undefined before the first key was made. */
export async function loadAuditPublicKeys(homeDir: string): Promise<AuditKeys | undefined> {
  const doc = await readDocument(publicKeysKind, auditLayout(homeDir).publicKeys);
  if (!doc) return undefined;
  const verifier = parseVerifierKey(doc.verifierKey);
  if (verifier.name !== doc.origin) throw new CircleError('STATE_CORRUPT', 'The audit verifier key does not belong to this log');
  return { origin: doc.origin, detailsPublicKey: x25519Public(doc.detailsPublicKey), verifyKey: verifier.publicKey };
}

export interface LoadAuditKeysOptions {
  /** Make the key pairs when the home has none yet (first use). Default true. */
  create?: boolean;
}

/**
 * All audit keys, making them on first use. The swap point for the vault: today
 * the private halves come from a 0600 file; later from the unlocked vault.
 */
export async function loadAuditKeys(homeDir: string, options: LoadAuditKeysOptions = {}): Promise<AuditKeys> {
  const layout = auditLayout(homeDir);
  const existing = await readKeys(homeDir);
  if (existing) return existing;
  if (options.create === false) {
    throw new CircleError('NOT_FOUND', 'This home has no audit keys yet', { hint: 'They are made by the first command that records an audit entry.' });
  }
  await ensurePrivateDir(layout.dir);
  return withLock(layout.publicKeys, async () => {
    const raced = await readKeys(homeDir);
    if (raced) return raced;
    const details = generateKeyPairSync('x25519');
    const signing = generateKeyPairSync('ed25519');
    const origin = `circle-core.local/audit/${randomBytes(6).toString('hex')}`;
    const dJwk = details.privateKey.export({ format: 'jwk' });
    const sJwk = signing.privateKey.export({ format: 'jwk' });
    // Private first: a public file without its private half would leave a log nobody can sign for.
    await writeDocument(privateKeysKind, layout.privateKeys, { detailsPrivateKey: dJwk.d!, signingKey: sJwk.d! });
    await writeDocument(publicKeysKind, layout.publicKeys, {
      origin,
      detailsPublicKey: rawX25519PublicKey(details.publicKey).toString('base64url'),
      verifierKey: formatVerifierKey(origin, signing.publicKey),
    });
    return { origin, detailsPublicKey: details.publicKey, detailsPrivateKey: details.privateKey, signingKey: signing.privateKey, verifyKey: signing.publicKey };
  });
}

async function readKeys(homeDir: string): Promise<AuditKeys | undefined> {
  const layout = auditLayout(homeDir);
  const pub = await loadAuditPublicKeys(homeDir);
  if (!pub) return undefined;
  const priv = await readDocument(privateKeysKind, layout.privateKeys);
  if (!priv) return pub;
  const x = rawX25519PublicKey(pub.detailsPublicKey).toString('base64url');
  const detailsPrivateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x, d: priv.detailsPrivateKey }, format: 'jwk' });
  const vx = pub.verifyKey.export({ format: 'jwk' }).x!;
  const signingKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: vx, d: priv.signingKey }, format: 'jwk' });
  // A private half that does not match its public half means a swapped file: refuse it rather than sign garbage.
  if (rawX25519PublicKey(detailsPrivateKey).toString('base64url') !== x || createPublicKey(signingKey).export({ format: 'jwk' }).x !== vx) {
    throw new CircleError('STATE_CORRUPT', 'The audit private keys do not match the public keys', { details: { file: layout.privateKeys } });
  }
  return { ...pub, detailsPrivateKey, signingKey };
}

/** Fresh in-memory keys, for tests and library users that keep keys elsewhere. */
export function generateAuditKeys(origin = `circle-core.local/audit/${randomBytes(6).toString('hex')}`): Required<AuditKeys> {
  const details = generateKeyPairSync('x25519');
  const signing = generateKeyPairSync('ed25519');
  return { origin, detailsPublicKey: details.publicKey, detailsPrivateKey: details.privateKey, signingKey: signing.privateKey, verifyKey: signing.publicKey };
}

export function verifierKeyString(keys: Pick<AuditKeys, 'origin' | 'verifyKey'>): string {
  return formatVerifierKey(keys.origin, keys.verifyKey);
}
