import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { registryFlag } from '../../../cli/pkg.js';
import type { PkgKeysRevokeResult } from '../../../core/pkg/types.js';

export default class PkgKeysRevoke extends BaseCommand<typeof PkgKeysRevoke> {
  static override summary = 'Revoke a publisher key (maintainer).';
  static override description = 'Marks KEYID revoked now in the vault and in this vault\'s trust list, and publishes the revocation in the registry\'s keys document (its `expires`), so every consumer rejects signatures on versions published after now. Versions published before stay valid. Create a new key to keep publishing.';
  static override examples = ['<%= config.bin %> pkg keys revoke SHA256:abc… --yes'];
  static override args = { keyid: Args.string({ description: 'Key id.', required: true }) };
  static override flags = {
    registry: registryFlag,
    yes: Flags.boolean({ description: 'Confirm: signatures made with this key after now will be rejected everywhere.' }),
  };

  async run(): Promise<PkgKeysRevokeResult> {
    const { args, flags } = await this.parse(PkgKeysRevoke);
    const { CircleError } = await import('../../../core/errors.js');
    if (!flags.yes) throw new CircleError('INPUT_REQUIRED', 'Revoking a publisher key needs --yes');
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { revokePublisherKey } = await import('../../../core/pkg/keystore.js');
    const { publishRevocation } = await import('../../../core/pkg/admin.js');
    const { openRegistries } = await import('../../../cli/pkg.js');
    const revoked = await revokePublisherKey(ctx, args.keyid);
    const publishedToRegistry = await publishRevocation((await openRegistries(home, await this.settings(), flags.registry)).defaultRegistry, args.keyid, revoked.revokedAt!);
    if (!this.jsonEnabled()) this.log(`Revoked ${args.keyid} at ${revoked.revokedAt}${publishedToRegistry ? ' (published to the registry)' : ''}`);
    return { ...revoked, publishedToRegistry };
  }
}
