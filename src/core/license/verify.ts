import { armorLabel } from './armor.js';
import { DAY_MS, parseInstant } from './duration.js';
import { envelopePayload, LICENSE_ENVELOPE, parseEnvelope, verifyEnvelope } from './envelope.js';
import { machineFingerprint } from './fingerprint.js';
import { KEYGEN_LABEL, keygenPayload, parseKeygenEnvelope, parseKeygenPayload, verifyKeygenEnvelope } from './keygen-format.js';
import { defaultLastSeenKey, readLastSeen, writeLastSeen, type LastSeenOptions } from './last-seen.js';
import { licenseInfo, parseLicensePayload } from './payload.js';
import { parsePublicKey, type IssuerPublicKey, type PublicKeyInput } from './public-key.js';
import { checkRevocationList } from './revocations.js';
import type { ClockProblem, LicenseFormat, LicenseInfo, LicenseMode, LicenseReason, LicenseVerifyResult } from './types.js';

export interface VerifyLicenseOptions {
  /** The issuer's Ed25519 public key: raw 32 bytes, base64, hex, PEM or a KeyObject. */
  publicKey: PublicKeyInput;
  /** When to check at (default: the clock). */
  now?: Date | number | string;
  /** This machine's fingerprint, or `auto` (the default) to compute it; used only by node-locked licenses. */
  machine?: string;
  /** A revocation list (`circle license revocations export`), as text. */
  revocations?: string;
  /** The last-seen state file that defends against a clock wound back. */
  lastSeen?: LastSeenOptions;
  /** `enforce` (default): any failed check makes the license invalid. `advisory`: only a forged or unreadable file does. */
  mode?: LicenseMode;
  /** The license key, for an encrypted license (circle `--encrypt`, Keygen `aes-256-gcm+ed25519`). */
  licenseKey?: string;
  /** Allowed clock difference, in seconds (default 300). */
  skewSeconds?: number;
}

interface Finding {
  reason: LicenseReason;
  message: string;
  clock?: ClockProblem;
  expiredDays?: number;
  graceDaysLeft?: number;
}

const AUTHENTICITY: ReadonlySet<LicenseReason> = new Set(['malformed', 'tampered', 'wrong-key']);

/**
 * Verifies a license file offline: circle's (`-----BEGIN CIRCLE LICENSE-----`) or
 * Keygen's (`-----BEGIN LICENSE FILE-----`). Signature first, then the payload is
 * parsed, then the time, revocation and machine checks. Returns a result for any
 * input and never throws; `valid` is what an app should act on.
 */
export function verifyLicense(text: string, options: VerifyLicenseOptions): LicenseVerifyResult {
  const mode: LicenseMode = options?.mode === 'advisory' ? 'advisory' : 'enforce';
  let now = Date.now();
  try {
    const given = options.now === undefined ? now : options.now instanceof Date ? options.now.getTime() : typeof options.now === 'string' ? parseInstant(options.now) : options.now;
    if (given === undefined || !Number.isFinite(given)) return failure(mode, now, 'malformed', 'The time to check at is not a date');
    now = given;
    if (typeof text !== 'string') return failure(mode, now, 'malformed', 'A license is text');
    const key = parsePublicKey(options.publicKey);
    if (!key) return failure(mode, now, 'wrong-key', 'The public key given is not an Ed25519 public key');
    const label = armorLabel(text);
    if (label === LICENSE_ENVELOPE.label) return verifyCircle(text, key, options, mode, now);
    if (label === KEYGEN_LABEL) return verifyKeygen(text, key, options, mode, now);
    return failure(mode, now, 'malformed', 'Not a license file (expected -----BEGIN CIRCLE LICENSE----- or -----BEGIN LICENSE FILE-----)');
  } catch {
    // A bug must not let a license through, nor crash the app that asked.
    return failure(mode, now, 'malformed', 'The license could not be read');
  }
}

function verifyCircle(text: string, key: IssuerPublicKey, options: VerifyLicenseOptions, mode: LicenseMode, now: number): LicenseVerifyResult {
  const envelope = parseEnvelope(LICENSE_ENVELOPE, text);
  if (!envelope) return failure(mode, now, 'malformed', 'The license file is malformed (armour, base64 or envelope)', 'circle');
  if (envelope.kid !== key.kid) return failure(mode, now, 'wrong-key', `The license is signed by another key (${envelope.kid}), not ${key.kid}`, 'circle');
  if (!verifyEnvelope(LICENSE_ENVELOPE, envelope, key)) return failure(mode, now, 'tampered', 'The license signature does not verify: the file was changed', 'circle');
  const bytes = envelopePayload(LICENSE_ENVELOPE, envelope, options.licenseKey);
  if (!bytes.ok) {
    if (bytes.problem === 'needs-license-key') return failure(mode, now, 'malformed', 'The license payload is encrypted: pass its license key', 'circle');
    if (bytes.problem === 'wrong-license-key') return failure(mode, now, 'wrong-key', 'The license key given does not decrypt this license', 'circle');
    return failure(mode, now, 'malformed', 'The license payload is malformed', 'circle');
  }
  const payload = parseLicensePayload(bytes.bytes);
  if (!payload) return failure(mode, now, 'malformed', 'The license payload is not a version 1 circle license', 'circle');
  if (payload.kid !== key.kid) return failure(mode, now, 'wrong-key', 'The license payload names another issuer key', 'circle');
  const info = licenseInfo(payload);
  const findings: Finding[] = [];
  const skew = skewMs(options);
  checkClock(findings, info.issued, key, options, now, skew);
  if (info.notBefore && Date.parse(info.notBefore) > now + skew) {
    findings.push({ reason: 'not-yet-valid', message: `The license is not valid before ${info.notBefore}` });
  }
  if (options.revocations !== undefined) {
    const check = checkRevocationList(options.revocations, key, now, skew);
    const list = check.list;
    if (list?.serials.includes(info.serial)) findings.push({ reason: 'revoked', message: `License ${info.serial} was revoked (list of ${list.issued})` });
    if (!check.ok) findings.push({ reason: 'revocation-list-invalid', message: check.message });
  }
  if (info.machine !== undefined) {
    const here = options.machine === undefined || options.machine === 'auto' ? machineFingerprint().fingerprint : options.machine;
    if (here !== info.machine) findings.push({ reason: 'wrong-machine', message: 'The license is locked to another machine' });
  }
  checkExpiry(findings, info.expires, info.graceSeconds ?? 0, now, 'The license');
  return conclude(mode, now, 'circle', info, findings, key, options);
}

function verifyKeygen(text: string, key: IssuerPublicKey, options: VerifyLicenseOptions, mode: LicenseMode, now: number): LicenseVerifyResult {
  const envelope = parseKeygenEnvelope(text);
  if (!envelope) return failure(mode, now, 'malformed', 'The Keygen license file is malformed or uses an algorithm other than Ed25519', 'keygen');
  if (!verifyKeygenEnvelope(envelope, key)) return failure(mode, now, 'tampered', 'The license signature does not verify: the file was changed or signed by another key', 'keygen');
  const bytes = keygenPayload(envelope, options.licenseKey);
  if (!bytes.ok) {
    if (bytes.problem === 'needs-license-key') return failure(mode, now, 'malformed', 'The license payload is encrypted: pass its license key', 'keygen');
    if (bytes.problem === 'wrong-license-key') return failure(mode, now, 'wrong-key', 'The license key given does not decrypt this license', 'keygen');
    return failure(mode, now, 'malformed', 'The license payload is malformed', 'keygen');
  }
  const license = parseKeygenPayload(bytes.bytes);
  if (!license) return failure(mode, now, 'malformed', 'The payload is not a Keygen license document', 'keygen');
  const findings: Finding[] = [];
  checkClock(findings, license.info.issued, key, options, now, skewMs(options));
  if (license.suspended) findings.push({ reason: 'revoked', message: 'The license was suspended when this file was issued' });
  if (license.fileExpires) checkExpiry(findings, license.fileExpires, 0, now, 'The license file');
  checkExpiry(findings, license.info.expires, 0, now, 'The license');
  const warnings = options.revocations === undefined ? [] : ['Revocation lists apply to circle licenses; the list was not used for this Keygen file'];
  return conclude(mode, now, 'keygen', license.info, findings, key, options, warnings);
}

function skewMs(options: VerifyLicenseOptions): number {
  const seconds = options.skewSeconds;
  return (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : 300) * 1000;
}

function checkClock(findings: Finding[], issued: string, key: IssuerPublicKey, options: VerifyLicenseOptions, now: number, skew: number): void {
  if (Date.parse(issued) > now + skew) {
    findings.push({ reason: 'clock-rolled-back', clock: 'issued-in-future', message: `The license was issued in the future (${issued}): the clock is behind or was set back` });
  }
  if (!options.lastSeen) return;
  const state = readLastSeen(options.lastSeen.path, options.lastSeen.key ?? defaultLastSeenKey(key.raw));
  if (state.kind === 'altered') {
    findings.push({ reason: 'clock-rolled-back', clock: 'last-seen-altered', message: 'The last-seen time state was altered or is unreadable' });
  } else if (state.kind === 'ok' && now < state.at - skew) {
    findings.push({ reason: 'clock-rolled-back', clock: 'before-last-seen', message: `The clock was set back: it reads earlier than ${new Date(state.at).toISOString()}, a time already seen` });
  }
}

function checkExpiry(findings: Finding[], expires: string | undefined, graceSeconds: number, now: number, what: string): void {
  if (expires === undefined) return;
  const end = Date.parse(expires);
  if (now < end) return;
  const expiredDays = Math.floor((now - end) / DAY_MS);
  const graceEnd = end + graceSeconds * 1000;
  if (now < graceEnd) {
    const graceDaysLeft = Math.ceil((graceEnd - now) / DAY_MS);
    findings.push({ reason: 'in-grace', expiredDays, graceDaysLeft, message: `${what} expired ${ago(now - end)} (${expires}); in its grace period, ${graceDaysLeft} day(s) left` });
  } else {
    findings.push({ reason: 'expired', expiredDays, message: `${what} expired ${ago(now - end)} (${expires})` });
  }
}

function ago(ms: number): string {
  if (ms < 3_600_000) return `${Math.max(1, Math.round(ms / 60_000))} minute(s) ago`;
  if (ms < DAY_MS) return `${Math.round(ms / 3_600_000)} hour(s) ago`;
  return `${Math.floor(ms / DAY_MS)} day(s) ago`;
}

function conclude(
  mode: LicenseMode,
  now: number,
  format: LicenseFormat,
  info: LicenseInfo,
  findings: Finding[],
  key: IssuerPublicKey,
  options: VerifyLicenseOptions,
  extraWarnings: string[] = [],
): LicenseVerifyResult {
  const failed = findings.find((f) => f.reason !== 'in-grace');
  const grace = findings.find((f) => f.reason === 'in-grace');
  const first = failed ?? grace;
  const valid = !failed || mode === 'advisory';
  const warnings = [...findings.filter((f) => f !== failed || mode === 'advisory').map((f) => f.message), ...extraWarnings];
  if (options.lastSeen && options.lastSeen.update !== false && !findings.some((f) => f.clock === 'last-seen-altered')) {
    const lastSeenKey = options.lastSeen.key ?? defaultLastSeenKey(key.raw);
    const state = readLastSeen(options.lastSeen.path, lastSeenKey);
    if ((state.kind === 'none' || (state.kind === 'ok' && now > state.at)) && !writeLastSeen(options.lastSeen.path, lastSeenKey, now)) {
      warnings.push('The last-seen time could not be recorded');
    }
  }
  return {
    valid,
    reason: first?.reason ?? 'valid',
    message: first?.message ?? `Valid license ${info.serial} for ${info.licensee} (${info.product || format})`,
    mode,
    format,
    license: info,
    entitlements: valid ? [...info.entitlements] : [],
    warnings,
    checkedAt: new Date(now).toISOString(),
    ...(first?.expiredDays === undefined ? {} : { expiredDays: first.expiredDays }),
    ...(first?.graceDaysLeft === undefined ? {} : { graceDaysLeft: first.graceDaysLeft }),
    ...(first?.clock === undefined ? {} : { clock: first.clock }),
  };
}

function failure(mode: LicenseMode, now: number, reason: LicenseReason, message: string, format?: LicenseFormat): LicenseVerifyResult {
  // Authenticity failures are never waved through, not even in advisory mode.
  const valid = mode === 'advisory' && !AUTHENTICITY.has(reason);
  return {
    valid,
    reason,
    message,
    mode,
    ...(format ? { format } : {}),
    entitlements: [],
    warnings: valid ? [message] : [],
    checkedAt: new Date(Number.isFinite(now) ? now : Date.now()).toISOString(),
  };
}
