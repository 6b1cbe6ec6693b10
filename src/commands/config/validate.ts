import { BaseCommand } from '../../cli/base-command.js';
import type { ConfigValidateResult } from '../../core/config/types.js';

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = 'Check your user config, the project file and CIRCLE_* variables against the schema.';
  static override description = 'Exits 1 when any layer has an unknown key or a value of the wrong type, naming the file and key path.';
  static override examples = ['<%= config.bin %> config validate', '<%= config.bin %> config validate --json'];

  async run(): Promise<ConfigValidateResult> {
    await this.parse(ConfigValidate);
    const { validateConfigFiles } = await import('../../core/config/validate.js');
    const result = await validateConfigFiles((await this.home()).dir);
    if (!result.valid) this.exitCode = 1;
    if (!this.jsonEnabled()) {
      for (const file of result.files) {
        this.log(`${file.ok ? 'ok     ' : 'invalid'}  ${file.file}${file.exists ? '' : ' (absent)'}${file.error ? `\n         ${file.error.message}` : ''}`);
      }
      if (!result.environmentVariables.ok) this.log(`invalid  environment: ${result.environmentVariables.error?.message}`);
    }
    return result;
  }
}
