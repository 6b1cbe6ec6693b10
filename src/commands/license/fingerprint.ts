import { BaseCommand } from '../../cli/base-command.js';
import type { LicenseFingerprintResult } from '../../core/license/types.js';

export default class LicenseFingerprint extends BaseCommand<typeof LicenseFingerprint> {
  static override summary = "Print this machine's fingerprint, for node-locked licenses.";
  static override description =
    'SHA-256 over /etc/machine-id (else /var/lib/dbus/machine-id), which stays the same across reboots; without a machine id, over the hostname, platform and architecture. It is not a secret: send it to the vendor, who issues a license with --machine. It stops casual copying of a license, not a determined user.';
  static override examples = ['<%= config.bin %> license fingerprint', '<%= config.bin %> license fingerprint --json'];

  async run(): Promise<LicenseFingerprintResult> {
    await this.parse(LicenseFingerprint);
    const { machineFingerprint } = await import('../../core/license/fingerprint.js');
    const result = machineFingerprint();
    if (!this.jsonEnabled()) {
      this.log(result.fingerprint);
      this.note(`From ${result.source}.`);
    }
    return result;
  }
}
