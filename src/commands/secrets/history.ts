import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag } from '../../cli/flags.js';
import type { SecretHistoryEntry } from '../../core/secrets/project-store.js';

export interface SecretsHistoryResult {
  name: string;
  env: string;
  versions: SecretHistoryEntry[];
}

export default class SecretsHistory extends BaseCommand<typeof SecretsHistory> {
  static override summary = 'Show the kept versions of a secret (never the values).';
  static override examples = ['<%= config.bin %> secrets history API_TOKEN'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true, ignoreStdin: true }) };
  static override flags = {
    env: envFlag,
    personal: Flags.boolean({ description: 'Use your personal vault in the home even inside a project.' }),
    identity: Flags.string({ char: 'i', multiple: true, multipleNonGreedy: true, description: 'Age identity file (AGE-SECRET-KEY-1…) that is a recipient.' }),
  };

  async run(): Promise<SecretsHistoryResult> {
    const { args, flags } = await this.parse(SecretsHistory);
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
    const versions = await backend.history(args.name);
    if (!this.jsonEnabled()) for (const v of versions) this.log(`v${v.version}\t${v.at}\t${v.by}${v.current ? '\t(current)' : ''}`);
    return { name: args.name, env: backend.env, versions };
  }
}
