import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag } from '../../cli/flags.js';
import type { ConfigListResult } from '../../core/config/types.js';

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static override summary = 'List every configuration key with its effective value.';
  static override description =
    'Layers, lowest first: built-in defaults, your user config, the project file .circle/circle.yaml, its section for the current environment, CIRCLE_* environment variables, and command flags.';
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --show-origin --env production', '<%= config.bin %> config list --json'];
  static override flags = {
    'show-origin': Flags.boolean({ description: 'Show which layer (and file or variable) each value came from.' }),
    env: envFlag,
  };

  async run(): Promise<ConfigListResult> {
    const { flags } = await this.parse(ConfigList);
    const { describeKey, configKeys } = await import('../../core/config/schema.js');
    const resolved = await this.settings({ environment: flags.env });
    const entries = configKeys.map((key) => ({ ...resolved.entries[key], description: describeKey(key).description }));
    if (!this.jsonEnabled()) {
      const width = Math.max(...entries.map((e) => e.key.length));
      for (const entry of entries) {
        const origin = flags['show-origin'] ? `  (${entry.origin}${entry.source ? `: ${entry.source}` : ''})` : '';
        this.log(`${entry.key.padEnd(width)}  ${String(entry.value)}${origin}`);
      }
    }
    return { environment: resolved.environment, ...(resolved.projectRoot ? { projectRoot: resolved.projectRoot } : {}), entries };
  }
}
