import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { LicenseIssueResult } from '../../core/license/types.js';

export default class LicenseIssue extends BaseCommand<typeof LicenseIssue> {
  static override summary = 'Issue a signed offline license.';
  static override description =
    'Signs a license (licensee, product, entitlements, metadata, expiry or trial, not-before, seats, machine lock, grace period) with an issuer key from the vault and prints the armoured file (-----BEGIN CIRCLE LICENSE-----) or writes it to --output. --encrypt encrypts the payload with AES-256-GCM under a fresh license key (printed once; the licensee needs it to verify). Each license gets a serial, is recorded in the issue ledger (`circle license list`) and the audit log. Needs license.issue (admin, maintainer).';
  static override examples = [
    '<%= config.bin %> license issue --licensee "Acme Ltd" --product rocket --entitlement pro --entitlement sso --expires 365d --grace 14d -o acme.lic',
    '<%= config.bin %> license issue --licensee "Jo Bloggs" --product rocket --trial 14d',
    '<%= config.bin %> license issue --licensee Acme --product rocket --machine "$(circle license fingerprint)" --seats 5 --meta order=4711',
  ];
  static override flags = {
    licensee: Flags.string({ description: 'Who the license is for.', required: true }),
    product: Flags.string({ description: 'Product name (also picks the issuer key of that name, if there is one).', required: true }),
    entitlement: Flags.string({ description: 'Feature code granted (repeatable).', multiple: true }),
    meta: Flags.string({ description: 'Metadata KEY=VALUE (repeatable).', multiple: true }),
    expires: Flags.string({ description: 'Expiry: a date (2027-01-31) or a duration from now (365d). Default: perpetual.', exclusive: ['trial'] }),
    trial: Flags.string({ description: 'A trial license that expires after this duration (14d).', exclusive: ['expires'] }),
    'not-before': Flags.string({ description: 'Not valid before this date.' }),
    seats: Flags.integer({ description: 'Seats the licensee bought (recorded for the app to enforce).' }),
    machine: Flags.string({ description: 'Lock the license to this machine fingerprint (`circle license fingerprint`).' }),
    grace: Flags.string({ description: 'Grace period after expiry during which the license stays valid with a warning (7d).' }),
    encrypt: Flags.boolean({ description: 'Encrypt the payload (AES-256-GCM) under a new license key.' }),
    key: Flags.string({ description: 'Issuer key name (default: one named after the product, the only key, or "default").' }),
    output: Flags.string({ char: 'o', description: 'Write the license file here instead of stdout.' }),
  };

  async run(): Promise<LicenseIssueResult> {
    const { flags } = await this.parse(LicenseIssue);
    const { termsFromFlags } = await import('../../core/license/terms.js');
    const now = Date.now();
    const terms = termsFromFlags({ ...flags, ...(flags['not-before'] === undefined ? {} : { notBefore: flags['not-before'] }) }, now);
    const { issueLicense } = await import('../../core/license/issuer.js');
    const result = await issueLicense(await (await this.circle()).unlock(), { terms, now, encrypt: flags.encrypt, ...(flags.key ? { keyName: flags.key } : {}) });
    const keyLine = result.licenseKey ? `License key (the licensee needs it to verify; keep it with the file): ${result.licenseKey}` : undefined;
    if (flags.output) {
      const { writeFileAtomic } = await import('../../core/home/atomic.js');
      await writeFileAtomic(flags.output, result.text, { mode: 0o644 });
      if (!this.jsonEnabled() && result.licenseKey) this.log(result.licenseKey);
      this.note(`License ${result.serial} for ${result.license.licensee} written to ${flags.output}`);
      return { ...result, out: flags.output };
    }
    if (!this.jsonEnabled()) {
      this.log(result.text.trimEnd());
      if (keyLine) this.warnLine(keyLine);
      this.note(`License ${result.serial} for ${result.license.licensee} (signed by ${result.keyName}).`);
    }
    return result;
  }
}
