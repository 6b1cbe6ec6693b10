import { BaseCommand } from '../../cli/base-command.js';
import type { AuthWhoamiResult } from '../../core/auth/types.js';

export default class AuthWhoami extends BaseCommand<typeof AuthWhoami> {
  static override summary = 'Show who the current session or token acts as.';
  static override description = 'Unlocks the vault with $CIRCLE_TOKEN, $CIRCLE_SESSION or the saved session and prints the user (or token id) and role. Exit 3 when not logged in or the session expired.';
  static override examples = ['<%= config.bin %> auth whoami', 'CIRCLE_TOKEN=… <%= config.bin %> auth whoami --json'];

  async run(): Promise<AuthWhoamiResult> {
    await this.parse(AuthWhoami);
    const ctx = await (await this.circle()).unlock();
    const { permissionsOf } = await import('../../core/auth/permissions.js');
    if (!this.jsonEnabled()) this.log(`${ctx.actor.id} (${ctx.actor.type === 'token' ? 'machine token, ' : ''}${ctx.role})`);
    return { type: ctx.actor.type, id: ctx.actor.id, role: ctx.role, via: ctx.method.kind, permissions: permissionsOf(ctx.role) };
  }
}
