import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, projectFlag } from '../../cli/flags.js';
import type { ConfigUnsetResult } from '../../core/config/types.js';

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static override summary = 'Remove a key from your user config or the project file, so a lower layer applies again.';
  static override examples = [
    '<%= config.bin %> config unset auth.lockout.maxAttempts',
    '<%= config.bin %> config unset scan.failOn --project --env production',
  ];
  static override args = {
    key: Args.string({ description: 'Configuration key.', required: true }),
  };
  static override flags = { project: projectFlag, env: envFlag };

  async run(): Promise<ConfigUnsetResult> {
    const { args, flags } = await this.parse(ConfigUnset);
    const { requireKey } = await import('../../core/config/values.js');
    const { writeConfigValue } = await import('../../core/config/write.js');
    const key = requireKey(args.key, 'the command line');
    const home = (await this.home()).dir;
    const result = await writeConfigValue({ homeDir: home, project: flags.project, environment: flags.env }, key, undefined, await (await this.circle()).configAudit());
    this.note(`Removed ${key} from ${result.file}`);
    return result;
  }
}
