import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import type { LicenseInspectResult } from '../../core/license/types.js';

export default class LicenseInspect extends BaseCommand<typeof LicenseInspect> {
  static override summary = 'Show what a license file says, WITHOUT verifying it.';
  static override description =
    'Decodes the payload (decrypting it with the license key when given) and prints it marked UNVERIFIED: for support questions, never for a decision. Use `circle license verify` to check it. A Keygen license key inside the payload is redacted.';
  static override examples = ['<%= config.bin %> license inspect acme.lic', '<%= config.bin %> license inspect acme.lic --json'];
  static override args = { file: Args.string({ description: 'License file.', required: true }) };
  static override flags = {
    'license-key': Flags.string({ description: 'License key of an encrypted license (prefer $CIRCLE_LICENSE_KEY).', env: 'CIRCLE_LICENSE_KEY' }),
  };

  async run(): Promise<LicenseInspectResult> {
    const { args, flags } = await this.parse(LicenseInspect);
    const { inspectLicense } = await import('../../core/license/inspect.js');
    const { readTextInput } = await import('../../core/license/sources.js');
    const result = inspectLicense(await readTextInput(args.file, 'License file'), flags['license-key'] === undefined ? {} : { licenseKey: flags['license-key'] });
    if (!result) throw new CircleError('INTEGRITY', `${args.file} is not a license file this version reads`, { hint: 'Expected -----BEGIN CIRCLE LICENSE----- or -----BEGIN LICENSE FILE-----.' });
    if (!this.jsonEnabled()) {
      this.warnLine(result.note);
      this.log(`format: ${result.format} (${result.alg})${result.kid ? `\nkey id: ${result.kid}` : ''}`);
      this.log(result.payload === undefined ? '(payload encrypted: pass --license-key)' : JSON.stringify(result.payload, null, 2));
    }
    return result;
  }
}
