import type { VaultContext } from '../vault/context.js';
import type { AuditEvent } from './sink.js';

/** An entry an application adds to the log (a deploy, a manual approval), as the unlocked principal. */
export type ApplicationAuditEvent = Omit<AuditEvent, 'actor'>;

/**
 * Appends an application's own entry to the home's audit log, acting as `ctx`'s
 * principal. Needs `audit.write` (admin, maintainer, developer): a viewer or a
 * CI token cannot put words in the log. circle's own operations record their
 * entries through the context's sink without this check, since every audited
 * action, including a viewer's reads, must be logged.
 */
export async function writeAuditEvent(ctx: VaultContext, event: ApplicationAuditEvent): Promise<void> {
  await ctx.require('audit.write', event.target);
  await ctx.record(event);
}
