import { BaseCommand } from '../../cli/base-command.js';
import type { AuthStatusResult } from '../../core/auth/types.js';

export default class AuthStatus extends BaseCommand<typeof AuthStatus> {
  static override summary = 'Show whether you are logged in, and until when.';
  static override description = 'Reports the vault, the session or machine token in use, its role and its expiry times. Exits 0 either way; use `circle auth whoami` in scripts to fail when not logged in.';
  static override examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --json'];

  async run(): Promise<AuthStatusResult> {
    await this.parse(AuthStatus);
    const home = (await this.home()).dir;
    const { vaultExists } = await import('../../core/vault/init.js');
    if (!(await vaultExists(home))) {
      this.log('No vault here. Create one with `circle init`.');
      return { vault: false, loggedIn: false, reason: 'no vault' };
    }
    const { CircleError } = await import('../../core/errors.js');
    let result: AuthStatusResult;
    try {
      const ctx = await (await this.circle()).unlock();
      const data = await ctx.reload();
      result = { vault: true, loggedIn: true, via: ctx.actor.type === 'token' ? 'token' : 'session', user: ctx.actor.id, role: ctx.role };
      if (ctx.actor.type === 'user') {
        result.mfa = data.users[ctx.actor.id]?.mfa.enabled ?? false;
        const token = await (await this.circle()).sessionToken();
        if (token) {
          const { sessionStatus } = await import('../../core/auth/session.js');
          const s = await sessionStatus(home, token);
          result.idleExpiresAt = s.idleExpiresAt;
          result.absoluteExpiresAt = s.absoluteExpiresAt;
        }
      }
    } catch (error) {
      if (!(error instanceof CircleError) || error.exitCode !== 3) throw error;
      result = { vault: true, loggedIn: false, reason: error.message };
    }
    if (!this.jsonEnabled()) {
      // The reason is often "Not logged in" itself: say it once, and the detail only when it adds one.
      if (!result.loggedIn) this.log(`${result.reason && result.reason !== 'Not logged in' ? `Not logged in: ${result.reason}` : 'Not logged in'}. Run \`circle auth login\`.`);
      else {
        this.log(`Logged in as ${result.user} (${result.role}) via ${result.via}${result.mfa === undefined ? '' : `, MFA ${result.mfa ? 'on' : 'off'}`}`);
        if (result.idleExpiresAt) this.log(`Session ends at ${result.idleExpiresAt} if idle, ${result.absoluteExpiresAt} at the latest`);
      }
    }
    return result;
  }
}
