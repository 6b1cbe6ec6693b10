import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag } from '../../cli/flags.js';
import type { ConfigGetResult } from '../../core/config/types.js';

export default class ConfigGet extends BaseCommand<typeof ConfigGet> {
  static override summary = 'Print the effective value of one configuration key.';
  static override description = 'Prints only the value, so `$(circle config get KEY)` works in scripts. Use --json to see where it came from.';
  static override examples = [
    '<%= config.bin %> config get auth.lockout.maxAttempts',
    '<%= config.bin %> config get scan.failOn --env production',
    '<%= config.bin %> config get defaultEnv --json',
  ];
  static override args = {
    key: Args.string({ description: 'Configuration key (see `circle config list`).', required: true }),
  };
  static override flags = { env: envFlag };

  async run(): Promise<ConfigGetResult> {
    const { args, flags } = await this.parse(ConfigGet);
    const { requireKey } = await import('../../core/config/values.js');
    const key = requireKey(args.key, 'the command line');
    const entry = (await this.settings({ environment: flags.env })).entries[key];
    if (!this.jsonEnabled()) this.log(String(entry.value));
    return entry;
  }
}
