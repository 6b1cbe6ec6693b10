import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import type { ScanSecretsInstallHookResult } from '../../../core/scan/types.js';

export default class ScanSecretsInstallHook extends BaseCommand<typeof ScanSecretsInstallHook> {
  static override summary = 'Install a git pre-commit hook that runs `circle scan secrets --staged`.';
  static override description = 'Writes .git/hooks/pre-commit (or core.hooksPath). A hook not written by circle is kept unless --force is given.';
  static override examples = ['<%= config.bin %> scan secrets install-hook', '<%= config.bin %> scan secrets install-hook --force', '<%= config.bin %> scan secrets install-hook ../other-repo'];

  static override args = {
    path: Args.string({ description: 'Repository (default: the current directory).', required: false }),
  };

  static override flags = {
    force: Flags.boolean({ description: 'Replace an existing pre-commit hook that circle did not write.' }),
    command: Flags.string({ description: 'How the hook invokes circle (default: circle on PATH).', default: 'circle' }),
  };

  async run(): Promise<ScanSecretsInstallHookResult> {
    const { args, flags } = await this.parse(ScanSecretsInstallHook);
    const { resolve } = await import('node:path');
    const { installPreCommitHook } = await import('../../../core/scan/secrets/hook.js');
    const result = await installPreCommitHook(resolve(args.path ?? '.'), { force: flags.force, command: flags.command });
    if (!this.jsonEnabled()) this.log(`${result.action === 'unchanged' ? 'Already installed' : result.action === 'created' ? 'Installed' : 'Replaced'}: ${result.path}`);
    return result;
  }
}
