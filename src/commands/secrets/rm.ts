import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag } from '../../cli/flags.js';

export interface SecretsRmResult {
  name: string;
  env: string;
}

export default class SecretsRm extends BaseCommand<typeof SecretsRm> {
  static override summary = 'Remove a secret and its history from the environment.';
  static override examples = ['<%= config.bin %> secrets rm OLD_TOKEN --env staging'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true, ignoreStdin: true }) };
  static override flags = {
    env: envFlag,
    personal: Flags.boolean({ description: 'Use your personal vault in the home even inside a project.' }),
    identity: Flags.string({ char: 'i', multiple: true, multipleNonGreedy: true, description: 'Age identity file (AGE-SECRET-KEY-1…) that is a recipient.' }),
  };

  async run(): Promise<SecretsRmResult> {
    const { args, flags } = await this.parse(SecretsRm);
    const { lazyAuditSink, unlockVault } = await import('../../cli/unlock.js');
    const { openSecretsBackend } = await import('../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openSecretsBackend({
      projectRoot: cfg.projectRoot,
      env: cfg.environment,
      personal: flags.personal,
      identityFiles: flags.identity,
      audit: lazyAuditSink(home),
      unlock: () => unlockVault(home),
    });
    const result = await backend.remove(args.name);
    this.note(`Removed ${result.name} from ${result.env}`);
    return result;
  }
}
