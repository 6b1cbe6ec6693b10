import { appendAuditEvent, type AppendOptions, type RetentionPolicy, type RotationPolicy } from './log.js';
import { loadAuditKeys, type AuditKeys } from './keys.js';
import type { AuditEvent, AuditSink } from './sink.js';

export interface OpenAuditSinkOptions {
  /**
   * The keys to use. With only the public halves (no unlock), entries are still
   * recorded; with `signingKey` (an unlocked context) checkpoints are written too.
   * Default: the home's keys (see keys.ts), made on first use.
   */
  keys?: AuditKeys;
  now?: () => Date;
  checkpointEvery?: number;
  rotation?: RotationPolicy;
  retention?: RetentionPolicy;
}

/** An optional clear-text reason code on top of the shared event shape (see entry.ts). */
export type AuditEventWithReason = AuditEvent & { reason?: string };

/**
 * The audit log as an `AuditSink`: what every other topic records through. Keys
 * are loaded lazily on the first `record()`, so opening a sink costs nothing.
 */
export function openAuditSink(homeDir: string, options: OpenAuditSinkOptions = {}): AuditSink & { record(event: AuditEventWithReason): Promise<void> } {
  let keys: Promise<AuditKeys> | undefined = options.keys ? Promise.resolve(options.keys) : undefined;
  const resolveKeys = (): Promise<AuditKeys> => {
    keys ??= loadAuditKeys(homeDir);
    return keys;
  };
  return {
    async record(event: AuditEventWithReason): Promise<void> {
      const appendOptions: AppendOptions = {
        keys: await resolveKeys(),
        ...(options.now ? { now: options.now } : {}),
        ...(options.checkpointEvery ? { checkpointEvery: options.checkpointEvery } : {}),
        ...(options.rotation ? { rotation: options.rotation } : {}),
        ...(options.retention ? { retention: options.retention } : {}),
      };
      await appendAuditEvent(homeDir, event, appendOptions);
    },
  };
}
