import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CircleError } from '../../../core/errors.js';
import type { LicenseRevocationsExportResult } from '../../../core/license/types.js';

export default class LicenseRevocationsExport extends BaseCommand<typeof LicenseRevocationsExport> {
  static override summary = 'Sign and print the revocation list of an issuer key.';
  static override description =
    'The list holds every revoked serial of the key, its own issue time and an expiry (--valid-for, default 30d), signed by the issuer key. Publish it where your apps fetch it (a file, an object store) and re-export before it expires: in enforce mode an expired list fails verification. Needs license.issue; recorded in the audit log.';
  static override examples = ['<%= config.bin %> license revocations export -o revocations.txt', '<%= config.bin %> license revocations export --key rocket --valid-for 7d'];
  static override flags = {
    key: Flags.string({ description: 'Issuer key name (default: the only key, or "default").' }),
    'valid-for': Flags.string({ description: 'How long the list stays valid (30d, 12h, 2w).', default: '30d' }),
    output: Flags.string({ char: 'o', description: 'Write the list to this file instead of stdout.' }),
  };

  async run(): Promise<LicenseRevocationsExportResult> {
    const { flags } = await this.parse(LicenseRevocationsExport);
    const { parseDurationSeconds } = await import('../../../core/license/duration.js');
    const validSeconds = parseDurationSeconds(flags['valid-for']);
    if (!validSeconds) throw new CircleError('USAGE', `--valid-for ${flags['valid-for']} is not a duration`, { hint: 'Use a number and a unit: 30d, 12h, 2w.' });
    const { exportRevocations } = await import('../../../core/license/issuer.js');
    const result = await exportRevocations(await (await this.circle()).unlock(), { validSeconds, ...(flags.key ? { keyName: flags.key } : {}) });
    if (flags.output) {
      const { writeFileAtomic } = await import('../../../core/home/atomic.js');
      await writeFileAtomic(flags.output, result.text, { mode: 0o644 });
      this.note(`Revocation list (${result.list.serials.length} serial(s), valid until ${result.list.expires}) written to ${flags.output}`);
      return { ...result, out: flags.output };
    }
    if (!this.jsonEnabled()) this.log(result.text.trimEnd());
    return result;
  }
}
