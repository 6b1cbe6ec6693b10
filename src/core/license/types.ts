/**
 * The license topic's plain-data types: what `verifyLicense` returns, what
 * `circle license … --json` prints. No classes, nothing that needs a runtime
 * import, so an embedding app can use them freely.
 */

/** Why a license is not (or not fully) valid. `valid` and `in-grace` are the two passing outcomes. */
export type LicenseReason =
  | 'valid'
  /** Past its expiry but inside its grace period: valid, with a warning and the days left. */
  | 'in-grace'
  /** The signature does not match the content. */
  | 'tampered'
  /** Signed (or encrypted) for another key than the one given. */
  | 'wrong-key'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'wrong-machine'
  /** `issued` is in the future, the clock is earlier than the last time seen, or the last-seen state was altered. */
  | 'clock-rolled-back'
  /** The revocation list given is expired, forged, for another key or unreadable. */
  | 'revocation-list-invalid'
  /** Not a license file this verifier reads (bad armour, base64, JSON, version or field). */
  | 'malformed';

export type LicenseMode = 'enforce' | 'advisory';
export type LicenseFormat = 'circle' | 'keygen';

/** What a verified (or inspected) license says. */
export interface LicenseInfo {
  format: LicenseFormat;
  /** Payload version (circle: 1). */
  version: number;
  serial: string;
  /** The issuer key id (`SHA256:` + base64 of the SPKI hash); empty for Keygen files. */
  kid: string;
  issued: string;
  licensee: string;
  product: string;
  entitlements: string[];
  meta: Record<string, string>;
  notBefore?: string;
  expires?: string;
  trial: boolean;
  seats?: number;
  /** The machine fingerprint the license is locked to. */
  machine?: string;
  graceSeconds?: number;
}

/** Which clock check failed, when the reason is `clock-rolled-back`. */
export type ClockProblem = 'issued-in-future' | 'before-last-seen' | 'last-seen-altered';

export interface LicenseVerifyResult {
  /** True when the app may run. In `advisory` mode every check but authenticity only warns. */
  valid: boolean;
  /** The first check that failed (or would have, in advisory mode); `valid` or `in-grace` otherwise. */
  reason: LicenseReason;
  /** One line for people; never contains key material. */
  message: string;
  mode: LicenseMode;
  format?: LicenseFormat;
  /** The payload, only once its signature verified (never for `tampered`, `wrong-key`, `malformed`). */
  license?: LicenseInfo;
  /** Entitlement codes granted (empty unless the signature verified). */
  entitlements: string[];
  warnings: string[];
  /** The time the checks were made at (ISO 8601). */
  checkedAt: string;
  /** Days since expiry (`expired`, `in-grace`). */
  expiredDays?: number;
  /** Whole days of grace left (`in-grace`). */
  graceDaysLeft?: number;
  clock?: ClockProblem;
}

/** `circle license inspect`: the payload as written, NOT verified. */
export interface LicenseInspectResult {
  verified: false;
  format: LicenseFormat;
  alg: string;
  kid?: string;
  encrypted: boolean;
  /** Absent when the payload is encrypted and no license key was given, or unreadable. */
  payload?: unknown;
  note: string;
}

export interface LicenseKeyInfo {
  /** The key's name (a product name or `default`). */
  name: string;
  kid: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  pem: string;
  created: string;
}

export interface LicenseKeygenResult {
  key: LicenseKeyInfo;
}

export interface LicenseKeysListResult {
  keys: LicenseKeyInfo[];
}

export interface LicenseIssueResult {
  serial: string;
  kid: string;
  keyName: string;
  license: LicenseInfo;
  /** The armoured license file. */
  text: string;
  /** With --encrypt: the license key the licensee needs to decrypt it (shown once; kept in the vault). */
  licenseKey?: string;
  out?: string;
}

export interface LicenseLedgerEntry {
  serial: string;
  kid: string;
  keyName: string;
  licensee: string;
  product: string;
  entitlements: string[];
  issued: string;
  expires?: string;
  trial: boolean;
  machine?: string;
  seats?: number;
  encrypted: boolean;
  issuedBy: string;
  revoked?: { at: string; by: string; reason?: string };
}

export interface LicenseListResult {
  licenses: LicenseLedgerEntry[];
}

export interface LicenseRevokeResult {
  serial: string;
  revokedAt: string;
  /** True when the serial was already revoked (nothing changed). */
  already: boolean;
}

export interface RevocationListInfo {
  kid: string;
  issued: string;
  expires: string;
  serials: string[];
}

export interface LicenseRevocationsExportResult {
  list: RevocationListInfo;
  text: string;
  out?: string;
}

export interface LicenseFingerprintResult {
  fingerprint: string;
  /** What it was derived from: a machine-id file path, or `hostname` (the fallback). */
  source: string;
}

export type LicenseKeysExportResult = LicenseKeyInfo;
