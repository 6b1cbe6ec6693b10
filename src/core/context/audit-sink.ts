import type { AuditEvent, AuditSink } from '../audit/sink.js';
import type { AuditSettings } from '../audit/settings.js';
import type { VaultContext } from '../vault/context.js';

/** The audit sink a `Circle` hands to every operation; an unlocked vault lets it sign checkpoints. */
export interface CircleAuditSink extends AuditSink {
  useVault(ctx: VaultContext): void;
}

/**
 * The home's audit log as a sink, opened on the first event so that work which
 * records nothing does not pay for it. A broken audit log is reported once
 * through `onWarning` but does not stop authentication (the lockout counters
 * live elsewhere), so a damaged log cannot lock every user out; `circle audit
 * verify` reports it.
 */
export function lazyAuditSink(
  home: string,
  settings: () => Promise<Pick<AuditSettings, 'rotation' | 'retention'>>,
  onWarning: (message: string) => void,
): CircleAuditSink {
  let sink: Promise<CircleAuditSink> | undefined;
  let vault: VaultContext | undefined;
  let warned = false;
  return {
    useVault(ctx: VaultContext) {
      vault = ctx;
      void sink?.then((s) => s.useVault(ctx));
    },
    async record(event: AuditEvent) {
      try {
        sink ??= (async () => {
          const policy = await settings();
          const { openAuditSink } = await import('../audit/open-sink.js');
          // A command is one short process: syncing on its own thread beats a thread-pool round trip.
          return openAuditSink(home, { blockingFsync: true, rotation: policy.rotation, ...(policy.retention ? { retention: policy.retention } : {}), ...(vault ? { vault } : {}) });
        })();
        const opened = await sink;
        if (vault) opened.useVault(vault);
        await opened.record(event);
      } catch (error) {
        if (!warned) onWarning(`the audit log could not record ${event.action}: ${firstLine(error)}`);
        warned = true;
      }
    },
  };
}

export function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
