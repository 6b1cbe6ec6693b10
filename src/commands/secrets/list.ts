import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import type { SecretsListResult } from '../../core/secrets/types.js';

export default class SecretsList extends BaseCommand<typeof SecretsList> {
  static override summary = 'List secret names, versions, and when and by whom each was last set.';
  static override description = 'Values are never shown unless --reveal is given. Every value is verified, so a tampered file fails with exit 5.';
  static override examples = ['<%= config.bin %> secrets list', '<%= config.bin %> secrets list --env production --json'];
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    reveal: Flags.boolean({ description: 'Show the values too.' }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsListResult> {
    const { flags } = await this.parse(SecretsList);
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags);
    const listing = await backend.list();
    const values = flags.reveal ? await backend.readAll() : undefined;
    const secrets: SecretsListResult['secrets'] = listing.map((s) => (values ? { ...s, value: values[s.name]! } : s));
    if (!this.jsonEnabled()) {
      if (secrets.length === 0) this.note(`No secrets in ${backend.env}.`);
      for (const s of secrets) {
        this.log(`${s.name}\tv${s.version}\t${s.updatedAt}\t${s.updatedBy}${s.value === undefined ? '' : `\t${s.value}`}`);
      }
    }
    return { env: backend.env, secrets };
  }
}
