import { BaseCommand } from '../../../cli/base-command.js';
import type { AuthTokenListResult } from '../../../core/auth/types.js';

export default class AuthTokenList extends BaseCommand<typeof AuthTokenList> {
  static override summary = 'List machine tokens (admin).';
  static override description = 'Shows every machine token with its role, expiry and status; never the token itself.';
  static override examples = ['<%= config.bin %> auth token list', '<%= config.bin %> auth token list --json'];

  async run(): Promise<AuthTokenListResult> {
    await this.parse(AuthTokenList);
    const { listMachineTokens } = await import('../../../core/auth/tokens.js');
    const tokens = await listMachineTokens(await (await this.circle()).unlock());
    if (!this.jsonEnabled()) {
      if (tokens.length === 0) this.note('No machine tokens.');
      for (const t of tokens) this.log(`${t.id}  ${t.name.padEnd(16)} ${t.role.padEnd(10)} ${t.status.padEnd(8)} ${t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry'}`);
    }
    return { tokens };
  }
}
