import { BaseCommand } from '../../cli/base-command.js';
import type { AuthLogoutResult } from '../../core/auth/types.js';

export default class AuthLogout extends BaseCommand<typeof AuthLogout> {
  static override summary = 'End the current session.';
  static override description = 'Deletes the session named by $CIRCLE_SESSION or the saved session file, so its token no longer unlocks anything.';
  static override examples = ['<%= config.bin %> auth logout'];

  async run(): Promise<AuthLogoutResult> {
    await this.parse(AuthLogout);
    const home = (await this.home()).dir;
    const token = await (await this.circle()).sessionToken();
    if (!token) {
      this.note('No session to end.');
      return { loggedOut: false };
    }
    const { endSession } = await import('../../core/auth/session.js');
    const loggedOut = await endSession(home, token, { audit: (await this.circle()).audit });
    this.note(loggedOut ? 'Logged out.' : 'The session had already ended.');
    return { loggedOut };
  }
}
