import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import { CircleError } from '../../core/errors.js';
import type { SecretsRotateResult } from '../../core/secrets/types.js';

export default class SecretsRotate extends BaseCommand<typeof SecretsRotate> {
  static override summary = 'Replace a secret with a freshly generated random value (the old one stays in history).';
  static override description = 'Length and alphabet default to the secrets.generate.length and secrets.generate.alphabet settings. The new value is not printed; read it with `secrets get`.';
  static override examples = ['<%= config.bin %> secrets rotate SESSION_SECRET --generate', '<%= config.bin %> secrets rotate WEBHOOK_KEY --generate --length 64 --alphabet hex'];
  static override args = { name: Args.string({ description: 'Secret name.', required: true }) };
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    generate: Flags.boolean({ description: 'Generate a random value (required: the only rotation so far).', required: true }),
    length: Flags.integer({ description: 'Length of the new value.', min: 8, max: 4096 }),
    alphabet: Flags.string({ description: 'Characters to draw from.', options: ['alphanumeric', 'hex', 'base64url', 'printable'] }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsRotateResult> {
    const { args, flags } = await this.parse(SecretsRotate);
    if (!flags.generate) throw new CircleError('USAGE', 'Pass --generate');
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const { generateSecretValue } = await import('../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({
      environment: flags.env,
      flags: { 'secrets.generate.length': flags.length, 'secrets.generate.alphabet': flags.alphabet as 'alphanumeric' | undefined },
    });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    // Rotation replaces an existing secret: a typo must not create a new one silently.
    await backend.get(args.name);
    const length = cfg.values['secrets.generate.length'];
    const alphabet = cfg.values['secrets.generate.alphabet'];
    const result = await backend.set(args.name, generateSecretValue(length, alphabet));
    this.note(`Rotated ${args.name} in ${result.env} (version ${result.version}, ${length} ${alphabet} characters)`);
    return { ...result, length, alphabet };
  }
}
