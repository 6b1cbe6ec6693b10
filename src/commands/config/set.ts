import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, projectFlag } from '../../cli/flags.js';
import type { ConfigSetResult } from '../../core/config/types.js';

export default class ConfigSet extends BaseCommand<typeof ConfigSet> {
  static override summary = 'Set a configuration key in your user config or the project file.';
  static override description =
    "The value is checked against the key's type before anything is written. Without --project it goes to your user config in the circle home; with --project to .circle/circle.yaml (and with --env, to that environment's section).";
  static override examples = [
    '<%= config.bin %> config set auth.lockout.maxAttempts 10',
    '<%= config.bin %> config set scan.failOn high --project',
    '<%= config.bin %> config set scan.failOn critical --project --env production',
  ];
  static override args = {
    key: Args.string({ description: 'Configuration key.', required: true }),
    value: Args.string({ description: 'New value.', required: true }),
  };
  static override flags = { project: projectFlag, env: envFlag };

  async run(): Promise<ConfigSetResult> {
    const { args, flags } = await this.parse(ConfigSet);
    const { parseConfigText } = await import('../../core/config/values.js');
    const { writeConfigValue } = await import('../../core/config/write.js');
    const { key, value } = parseConfigText(args.key, args.value, 'the command line');
    const home = (await this.home()).dir;
    const result = await writeConfigValue({ homeDir: home, project: flags.project, environment: flags.env }, key, value, await (await this.circle()).configAudit());
    this.note(`Set ${key} = ${String(value)} in ${result.file}`);
    return result;
  }
}
