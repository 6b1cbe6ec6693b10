import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import { CircleError } from '../../core/errors.js';
import type { SecretsExportResult } from '../../core/secrets/types.js';

export default class SecretsExport extends BaseCommand<typeof SecretsExport> {
  static override summary = 'Export secrets as dotenv, JSON or shell `export` lines.';
  static override description =
    'Writes plaintext, so it asks for intent: pass -o FILE (written 0600, atomically) or --reveal to print to stdout. Dotenv output is quoted so that the dotenv package reads back exactly the stored values; shell lines are single-quoted so `eval` is safe.';
  static override examples = ['<%= config.bin %> secrets export --format dotenv -o .env.local', 'eval "$(<%= config.bin %> secrets export --format shell --reveal)"', '<%= config.bin %> secrets export --format json --reveal --only A,B'];
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    format: Flags.string({ description: 'Output format.', options: ['dotenv', 'json', 'shell'], default: 'dotenv' }),
    output: Flags.string({ char: 'o', description: 'Write to this file (mode 0600) instead of stdout.' }),
    reveal: Flags.boolean({ description: 'Allow printing the values to stdout.' }),
    only: Flags.string({ description: 'Export only these names (comma-separated).' }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsExportResult> {
    const { flags } = await this.parse(SecretsExport);
    if (!flags.output && !flags.reveal) {
      throw new CircleError('USAGE', 'Refusing to print secret values without --reveal', { hint: 'Pass -o FILE, or --reveal to print them.' });
    }
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const { writeFileAtomic } = await import('../../core/home/atomic.js');
    const { formatSecrets, parseSecretName } = await import('../../core/secrets/index.js');
    const only = flags.only?.split(',').map((n) => parseSecretName(n.trim()));
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    const values = await backend.readAll(only ? { only } : {});
    const format = flags.format as 'dotenv' | 'json' | 'shell';
    const text = formatSecrets(values, format);
    if (flags.output) {
      await writeFileAtomic(flags.output, text, { mode: 0o600 });
      this.note(`Wrote ${Object.keys(values).length} secrets to ${flags.output}`);
    } else if (!this.jsonEnabled()) {
      this.writeOut(text);
    }
    return {
      env: backend.env,
      format,
      names: Object.keys(values).sort(),
      output: flags.output ?? '-',
      ...(this.jsonEnabled() && flags.reveal ? { values } : {}),
    };
  }
}
