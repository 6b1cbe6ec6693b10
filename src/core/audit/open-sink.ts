import type { VaultContext } from '../vault/context.js';
import { appendAuditEvent, type AppendOptions, type RetentionPolicy, type RotationPolicy } from './log.js';
import { loadAuditPublicKeys, loadAuditSinkKeys, noAuditLog, type AuditKeys } from './keys.js';
import type { AuditEvent, AuditSink } from './sink.js';

export interface OpenAuditSinkOptions {
  /**
   * The keys to use (library users and tests that keep keys elsewhere). Default:
   * the home's public keys, plus the private halves from the vault once an
   * unlocked context is attached (`useVault`), which lets appends write checkpoints.
   */
  keys?: AuditKeys;
  /** An unlocked vault whose audit signing key signs automatic checkpoints. */
  vault?: VaultContext;
  now?: () => Date;
  checkpointEvery?: number;
  rotation?: RotationPolicy;
  retention?: RetentionPolicy;
  /** fdatasync on the calling thread (see `AppendOptions.blockingFsync`): for one-shot processes. */
  blockingFsync?: boolean;
  /**
   * What to do with an event when the home has no audit log (no `circle init`
   * yet: no vault, so nothing audited can have happened). Default `skip`.
   */
  whenNoLog?: 'skip' | 'error';
}

/** An optional clear-text reason code on top of the shared event shape (see entry.ts). */
export type AuditEventWithReason = AuditEvent & { reason?: string };

/** The home's audit log as a sink; `useVault` hands it an unlocked context's private keys. */
export interface HomeAuditSink extends AuditSink {
  record(event: AuditEventWithReason): Promise<void>;
  useVault(vault: VaultContext): void;
}

/**
 * The audit log as an `AuditSink`: what every other topic records through. Keys
 * are loaded lazily on the first `record()`, so opening a sink costs nothing.
 */
export function openAuditSink(homeDir: string, options: OpenAuditSinkOptions = {}): HomeAuditSink {
  let vault = options.vault;
  let keys: Promise<AuditKeys | undefined> | undefined = options.keys ? Promise.resolve(options.keys) : undefined;
  const resolveKeys = (): Promise<AuditKeys | undefined> => {
    keys ??= (async () => {
      if (vault) {
        // The private halves are a bonus (checkpoints); failing to read them must not lose the entry.
        try {
          return await loadAuditSinkKeys(homeDir, vault);
        } catch {
          /* fall back to the public halves */
        }
      }
      return loadAuditPublicKeys(homeDir);
    })();
    return keys;
  };
  return {
    useVault(ctx: VaultContext): void {
      if (options.keys || vault === ctx) return;
      vault = ctx;
      keys = undefined;
    },
    async record(event: AuditEventWithReason): Promise<void> {
      const resolved = await resolveKeys();
      if (!resolved) {
        if (options.whenNoLog === 'error') throw noAuditLog(homeDir);
        return;
      }
      const appendOptions: AppendOptions = {
        keys: resolved,
        ...(options.now ? { now: options.now } : {}),
        ...(options.checkpointEvery ? { checkpointEvery: options.checkpointEvery } : {}),
        ...(options.rotation ? { rotation: options.rotation } : {}),
        ...(options.retention ? { retention: options.retention } : {}),
        ...(options.blockingFsync ? { blockingFsync: true } : {}),
      };
      await appendAuditEvent(homeDir, event, appendOptions);
    },
  };
}

/** True for sinks that can use an unlocked vault's private audit keys. */
export function isVaultAwareSink(sink: AuditSink): sink is AuditSink & { useVault(vault: VaultContext): void } {
  return typeof (sink as Partial<HomeAuditSink>).useVault === 'function';
}
