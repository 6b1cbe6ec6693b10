import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import { CircleError } from '../../core/errors.js';
import type { SecretsSetResult } from '../../core/secrets/types.js';

export default class SecretsSet extends BaseCommand<typeof SecretsSet> {
  static override summary = 'Set a secret (a new version; the old one stays in history).';
  static override description =
    'The value comes from --from-file, from stdin when it is piped (one trailing newline is dropped), or from a hidden prompt, so it never has to appear in argv or shell history. NAME=VALUE works too but warns: argv is visible to other processes. Inside a project the secret goes to .circle/secrets/<env>.json, encrypted to the environment\'s recipients; the first `set` creates that file with your key as its only recipient.';
  static override examples = [
    '<%= config.bin %> secrets set DATABASE_URL',
    'printf %s "$TOKEN" | <%= config.bin %> secrets set API_TOKEN --env production',
    '<%= config.bin %> secrets set TLS_KEY --from-file key.pem',
  ];
  static override args = { name: Args.string({ description: 'Secret name, or NAME=VALUE (visible in argv: avoid).', required: true }) };
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    'from-file': Flags.string({ description: 'Read the value from this file (exact bytes, UTF-8).' }),
    identity: identityFlag,
    label: Flags.string({ description: 'Your recipient label when this creates the environment file (default: your user name).' }),
  };

  async run(): Promise<SecretsSetResult> {
    const { args, flags } = await this.parse(SecretsSet);
    const { userInfo } = await import('node:os');
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    let name = args.name;
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
      this.warnLine('the value was passed in argv, where other processes and your shell history can see it; prefer stdin, --from-file or the prompt');
    }
    if (flags['from-file'] !== undefined) {
      if (value !== undefined) throw new CircleError('USAGE', 'Give the value either as NAME=VALUE or with --from-file, not both');
      value = await (await import('../../core/files/user-paths.js')).readInputFile(flags['from-file'], 'File');
    }
    if (value === undefined && !this.io.in.isTTY) {
      value = (await this.readStdin()).replace(/\r?\n$/, '');
      // An empty pipe is almost always a mistake (nothing was piped); an empty value must be asked for as NAME=.
      if (value === '') throw new CircleError('INPUT_REQUIRED', `No value for ${name}: stdin was empty`, { hint: `Pipe the value in, pass --from-file FILE, or ${name}= for an empty value.` });
    }
    if (value === undefined) {
      if (!this.canPrompt()) throw new CircleError('INPUT_REQUIRED', `No value for ${name}`, { hint: 'Pipe it on stdin or pass --from-file FILE.' });
      const { promptPassword } = await import('../../cli/prompts.js');
      value = await promptPassword(`Value of ${name}`);
    }
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags, { createAs: flags.label ?? userInfo().username });
    const result = await backend.set(name, value);
    this.note(`Set ${name} in ${result.env} (version ${result.version})`);
    return result;
  }
}
