import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag } from '../../cli/flags.js';
import { CircleError } from '../../core/errors.js';

export interface SecretsRunResult {
  env: string;
  command: string;
  exitCode: number;
  injected: string[];
}

export default class SecretsRun extends BaseCommand<typeof SecretsRun> {
  static override summary = 'Run a command with the secrets in its environment.';
  static override description =
    'The command is started directly (no shell) with your environment plus the secrets; they are never written to disk or put in argv. SIGINT, SIGTERM and SIGHUP are forwarded, and circle exits with the command\'s exit code (128 + signal number when a signal ended it). In CI, set CIRCLE_KEY_<ENV> and nothing else.';
  static override examples = [
    '<%= config.bin %> secrets run -- npm start',
    '<%= config.bin %> secrets run --env production --only DATABASE_URL -- node migrate.js',
  ];
  static override strict = false;
  static override flags = {
    env: envFlag,
    personal: Flags.boolean({ description: 'Use your personal vault in the home even inside a project.' }),
    only: Flags.string({ description: 'Inject only these names (comma-separated).' }),
    identity: Flags.string({ char: 'i', multiple: true, multipleNonGreedy: true, description: 'Age identity file (AGE-SECRET-KEY-1…) that is a recipient.' }),
  };

  async run(): Promise<SecretsRunResult> {
    const { argv, flags } = await this.parse(SecretsRun);
    const [command, ...args] = argv as string[];
    if (!command) throw new CircleError('USAGE', 'No command to run', { hint: 'Put it after --, e.g. circle secrets run -- npm start' });
    const { lazyAuditSink, unlockVault } = await import('../../cli/unlock.js');
    const { openSecretsBackend, runWithSecrets, parseSecretName } = await import('../../core/secrets/index.js');
    const only = flags.only?.split(',').map((n) => parseSecretName(n.trim()));
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
    const secrets = await backend.readAll(only ? { only } : {});
    const exitCode = await runWithSecrets(command, args, { secrets });
    this.exitCode = exitCode;
    return { env: backend.env, command, exitCode, injected: Object.keys(secrets) };
  }
}
