import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { ROLES } from '../../../core/auth/permissions.js';
import type { AuthTokenCreateResult } from '../../../core/auth/types.js';

export default class AuthTokenCreate extends BaseCommand<typeof AuthTokenCreate> {
  static override summary = 'Create a machine token for CI (admin).';
  static override description =
    'Creates a scoped machine token. It is printed once on stdout and never stored: only a hash and a key wrapped under it are kept. Use it as CIRCLE_TOKEN; it needs no login and no session. Without --expires it expires after auth.token.defaultExpiryDays.';
  static override examples = [
    '<%= config.bin %> auth token create --name ci --role ci --expires 30d',
    // The token goes through a pipe, never onto a command line other processes can read.
    '<%= config.bin %> auth token create --name gha --role ci | gh secret set CIRCLE_TOKEN',
  ];
  static override flags = {
    name: Flags.string({ description: 'A name for the token (unique among active tokens).', required: true }),
    role: Flags.string({ description: 'Role the token acts with.', options: [...ROLES], default: 'ci' }),
    expires: Flags.string({ description: 'Lifetime: 90m, 12h, 30d, 2w (default: auth.token.defaultExpiryDays).' }),
  };

  async run(): Promise<AuthTokenCreateResult> {
    const { flags } = await this.parse(AuthTokenCreate);
    const home = (await this.home()).dir;
    const { authPolicies } = await import('../../../cli/unlock.js');
    const { createMachineToken, parseExpiry } = await import('../../../core/auth/tokens.js');
    const ctx = await (await this.circle()).unlock();
    const expiresAt = parseExpiry(flags.expires ?? `${authPolicies(await this.settings()).tokenDefaultExpiryDays}d`);
    const { token, summary } = await createMachineToken(ctx, { name: flags.name, role: flags.role as (typeof ROLES)[number], expiresAt });
    if (!this.jsonEnabled()) {
      this.log(token);
      this.note(`Created token ${summary.id} "${summary.name}" (${summary.role}), expires ${summary.expiresAt}. It is shown only now: store it as the CI secret CIRCLE_TOKEN.`);
    }
    return { id: summary.id, name: summary.name, role: summary.role, ...(summary.expiresAt ? { expiresAt: summary.expiresAt } : {}), token };
  }
}
