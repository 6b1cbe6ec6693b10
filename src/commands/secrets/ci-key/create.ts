import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { envFlag, identityFlag } from '../../../cli/flags.js';
import type { SecretsCiKeyCreateResult } from '../../../core/secrets/types.js';

export default class SecretsCiKeyCreate extends BaseCommand<typeof SecretsCiKeyCreate> {
  static override summary = "Create a key for CI, add it as a recipient, and print its private half once.";
  static override description =
    'Store the printed AGE-SECRET-KEY-1… in your CI secret store as CIRCLE_KEY_<ENV>; `circle secrets run` and `get` then need nothing else. It is not kept anywhere: if lost, remove the recipient and create a new key.';
  static override examples = ['<%= config.bin %> secrets ci-key create --env production', '<%= config.bin %> secrets ci-key create --env staging --label github-actions --json'];
  static override flags = {
    env: envFlag,
    label: Flags.string({ description: 'Recipient label (default: ci-<env>).' }),
    identity: identityFlag,
  };

  async run(): Promise<SecretsCiKeyCreateResult> {
    const { flags } = await this.parse(SecretsCiKeyCreate);
    const { openProjectScope, createProjectCiKey } = await import('../../../core/secrets/index.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const circle = await this.circle();
    const { scope } = await openProjectScope({ projectRoot: cfg.projectRoot, env: cfg.environment, identityFiles: flags.identity, audit: circle.audit, unlock: () => circle.unlock() });
    const result = await createProjectCiKey(scope, flags.label);
    if (!this.jsonEnabled()) {
      this.writeOut(`${result.identity}\n`);
      this.note(`Added CI recipient ${result.label} (${result.recipient}) to ${result.env}.`);
      this.note(`Store the key above as ${result.envVar} in your CI secret store now: it is not shown again.`);
    }
    return result;
  }
}
