import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError, ExitCode } from '../../core/errors.js';
import type { LicenseVerifyResult } from '../../core/license/types.js';

export default class LicenseVerify extends BaseCommand<typeof LicenseVerify> {
  static override summary = 'Verify a license file offline (circle or Keygen format).';
  static override description =
    'Checks the signature against --public-key, then the dates, the machine lock, the revocation list and the clock. Exit 0 when valid (also inside a grace period, with a warning), 1 when not, with one reason: tampered, wrong-key, expired, not-yet-valid, revoked, wrong-machine, clock-rolled-back, revocation-list-invalid or malformed. Needs no vault or login. The last time seen is kept under the home (license/), so a clock wound back is caught; --now asks "would it be valid then?" without reading or moving that state. Reads Keygen license files (-----BEGIN LICENSE FILE-----) too.';
  static override examples = [
    '<%= config.bin %> license verify acme.lic --public-key rocket.pub.pem',
    '<%= config.bin %> license verify acme.lic --public-key "$(circle license keys export --format raw)" --revocations revocations.txt --json',
    '<%= config.bin %> license verify acme.lic --public-key K --now 2027-06-01',
    'CIRCLE_LICENSE_KEY=TEST-… <%= config.bin %> license verify keygen.lic --public-key 775e…e7d1',
  ];
  static override args = { file: Args.string({ description: 'License file.', required: true }) };
  static override flags = {
    'public-key': Flags.string({ description: 'Issuer public key (base64, hex, PEM) or a file holding it.', required: true }),
    'license-key': Flags.string({ description: 'License key of an encrypted license (prefer $CIRCLE_LICENSE_KEY: argv is visible to other processes).', env: 'CIRCLE_LICENSE_KEY' }),
    machine: Flags.string({ description: 'Machine fingerprint to check a node-locked license against (default: auto, this machine).', default: 'auto' }),
    revocations: Flags.string({ description: 'Signed revocation list: a path, a file:// URL, or an object URL (s3://bucket/prefix/NAME, azblob://account/container/NAME).' }),
    now: Flags.string({ description: 'Check as of this date instead of now (the last-seen state is not updated).' }),
    mode: Flags.string({ description: 'enforce: any failed check is invalid; advisory: only a forged or unreadable file is.', options: ['enforce', 'advisory'], default: 'enforce' }),
  };

  async run(): Promise<LicenseVerifyResult> {
    const { args, flags } = await this.parse(LicenseVerify);
    const { verifyLicense } = await import('../../core/license/verify.js');
    const { parseInstant } = await import('../../core/license/duration.js');
    const { readRevocationSource, readTextInput, resolvePublicKey } = await import('../../core/license/sources.js');
    const { homeLastSeenPath } = await import('../../core/license/home-state.js');
    let now: number | undefined;
    if (flags.now !== undefined) {
      now = parseInstant(flags.now);
      if (now === undefined) throw new CircleError('USAGE', `--now ${flags.now} is not a date`, { hint: 'Use 2027-01-31 or 2027-01-31T09:00:00Z.' });
    }
    const publicKey = await resolvePublicKey(flags['public-key']);
    const text = await readTextInput(args.file, 'License file');
    const openObjectStore = async (storeUrl: string) => (await import('../../cli/storage.js')).openCommandStore(await this.circle(), storeUrl);
    const revocations = flags.revocations === undefined ? undefined : await readRevocationSource(flags.revocations, openObjectStore);
    const result = verifyLicense(text, {
      publicKey: publicKey.raw,
      machine: flags.machine,
      mode: flags.mode === 'advisory' ? 'advisory' : 'enforce',
      // A hypothetical date (--now) neither reads nor moves the last-seen state: it is about the real clock.
      ...(now === undefined ? { lastSeen: { path: homeLastSeenPath((await this.home()).dir, publicKey.kid) } } : { now }),
      ...(revocations === undefined ? {} : { revocations }),
      ...(flags['license-key'] === undefined ? {} : { licenseKey: flags['license-key'] }),
    });
    if (!result.valid) this.exitCode = ExitCode.checkFailed;
    if (!this.jsonEnabled()) {
      this.log(`${result.valid ? 'valid' : 'INVALID'} (${result.reason}): ${result.message}`);
      if (result.license && result.valid) {
        const l = result.license;
        this.log(`  licensee: ${l.licensee}\n  product: ${l.product}\n  serial: ${l.serial}\n  expires: ${l.expires ?? 'never'}${l.trial ? ' (trial)' : ''}`);
        this.log(`  entitlements: ${result.entitlements.join(', ') || '(none)'}`);
      }
      for (const w of result.warnings) if (w !== result.message || result.valid) this.warnLine(w);
    }
    return result;
  }
}
