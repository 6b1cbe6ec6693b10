import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import type { LicenseFingerprintResult } from './types.js';

/**
 * This machine's fingerprint, for node-locked licenses: SHA-256 (hex) over a
 * domain tag and the machine id systemd/dbus keep (`/etc/machine-id`, else
 * `/var/lib/dbus/machine-id`), which is stable across reboots and unique per
 * installation. Without one (macOS, Windows, minimal containers) it falls back to
 * hostname + platform + architecture, which is weaker: renaming the host changes it.
 *
 * A fingerprint is NOT a secret and not proof of identity: anyone on the machine
 * can read the machine id, and a determined user can copy it to another machine.
 * It stops casual copying of a license file, nothing more.
 */
const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];
const TAG = 'circle-license/fingerprint/v1\n';

let cached: LicenseFingerprintResult | undefined;

export function machineFingerprint(): LicenseFingerprintResult {
  if (cached) return cached;
  for (const file of MACHINE_ID_FILES) {
    let id: string;
    try {
      id = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (/^[0-9a-f]{32}$/i.test(id)) return (cached = { fingerprint: digest(`machine-id:${id.toLowerCase()}`), source: file });
  }
  return (cached = { fingerprint: digest(`host:${hostname()}\n${platform()}\n${arch()}`), source: 'hostname' });
}

function digest(text: string): string {
  return createHash('sha256').update(TAG + text).digest('hex');
}

/** A fingerprint as `license issue --machine` takes it: 64 hex digits. */
export function isFingerprint(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}
