/**
 * `circle-core/license`: the embeddable offline license verifier.
 *
 *     import { verifyLicense } from 'circle-core/license';
 *     const result = verifyLicense(text, { publicKey: ISSUER_PUBLIC_KEY });
 *     if (!result.valid) exit(result.message);
 *
 * Imports only node: built-ins (crypto, fs, os, path) and this folder plus the
 * light Ed25519 helpers: no oclif, vault, zod or CLI code, so an app can ship it
 * and load it in a few milliseconds (test/core/license/module-graph.test.ts).
 * The issuer side (keys in the vault, ledger) is `issuer.ts`, not exported here.
 */
export { verifyLicense, type VerifyLicenseOptions } from './verify.js';
export { inspectLicense } from './inspect.js';
export { machineFingerprint, isFingerprint } from './fingerprint.js';
export { signLicense, licensePayload, newSerial, type LicenseTerms, type SignedLicense } from './sign.js';
export { signRevocationList, checkRevocationList, type RevocationListCheck } from './revocations.js';
export { parsePublicKey, type IssuerPublicKey, type PublicKeyInput } from './public-key.js';
export { readLastSeen, writeLastSeen, defaultLastSeenKey, type LastSeenOptions, type LastSeenState } from './last-seen.js';
export { parseDurationSeconds, parseInstant, parseDateOrDuration } from './duration.js';
export { newLicenseKey } from './envelope.js';
export type * from './types.js';
