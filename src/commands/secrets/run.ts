import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import { CircleError } from '../../core/errors.js';
import type { SecretsRunResult } from '../../core/secrets/types.js';

export default class SecretsRun extends BaseCommand<typeof SecretsRun> {
  static override summary = 'Run a command with the secrets in its environment.';
  static override description =
    'The command is started directly (no shell) with your environment plus the secrets; they are never written to disk or put in argv. SIGINT, SIGTERM and SIGHUP are forwarded, and circle exits with the command\'s exit code (128 + signal number when a signal ended it). In CI, set CIRCLE_KEY_<ENV> (or CIRCLE_TOKEN) and nothing else. A variable already set to secret://NAME or secret://ENV/NAME (e.g. by the CI config) is replaced by that secret in the command\'s environment; an unknown name fails with exit 4.';
  static override examples = [
    '<%= config.bin %> secrets run -- npm start',
    '<%= config.bin %> secrets run --env production --only DATABASE_URL -- node migrate.js',
    'DB_PASSWORD=secret://production/DATABASE_PASSWORD <%= config.bin %> secrets run --only API_KEY -- node app.js',
  ];
  static override strict = false;
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    only: Flags.string({ description: 'Inject only these names (comma-separated).' }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsRunResult> {
    const { argv, flags } = await this.parse(SecretsRun);
    const [command, ...args] = argv as string[];
    if (!command) throw new CircleError('USAGE', 'No command to run', { hint: 'Put it after --, e.g. circle secrets run -- npm start' });
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const { runWithSecrets, parseSecretName, hasSecretReferences, resolveEnvironmentReferences, backendSecretReader } = await import('../../core/secrets/index.js');
    const only = flags.only?.split(',').map((n) => parseSecretName(n.trim()));
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const circle = await this.circle();
    // One unlock for the injected secrets and any references to other environments.
    const open = (env: string) => openCommandBackend(circle, cfg, flags, { env });
    const backend = await open(cfg.environment);
    const secrets = await backend.readAll(only ? { only } : {});
    let baseEnv: NodeJS.ProcessEnv = process.env;
    let references: SecretsRunResult['references'] = [];
    if (hasSecretReferences(process.env)) {
      const read = backendSecretReader((env) => (env === backend.env ? Promise.resolve(backend) : open(env)));
      const resolved = await resolveEnvironmentReferences(process.env, { defaultEnv: backend.env, read });
      baseEnv = resolved.env;
      references = resolved.resolved.map((r) => ({ variable: r.path, reference: r.reference }));
    }
    // With --json, stdout carries one JSON document: the command's own output goes to stderr.
    const exitCode = await runWithSecrets(command, args, { secrets, baseEnv, childStdout: this.jsonEnabled() ? 'stderr' : 'stdout' });
    this.exitCode = exitCode;
    return { env: backend.env, command, exitCode, injected: Object.keys(secrets), references };
  }
}
