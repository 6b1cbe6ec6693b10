/**
 * How every other part of core reports what happened to the audit log, without
 * depending on how the log is stored. Core operations call `sink.record()` for
 * each state change and each secret read, including denied and failed attempts.
 */

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditActor {
  type: 'user' | 'token' | 'system';
  /** User name or token id (never the token itself). */
  id: string;
}

export interface AuditEvent {
  /** Dotted verb, topic first: `auth.login`, `secrets.read`, `config.set`. */
  action: string;
  outcome: AuditOutcome;
  actor: AuditActor;
  /** What was acted on: a user name, `secret:<env>/<name>`, a config key. */
  target?: string;
  /** Sensitive context (reason of a failure, source address, old role): stored encrypted. */
  details?: Record<string, unknown>;
  /**
   * A short, non-sensitive reason code stored in clear (`revoked`, `expired`,
   * `bad-password`, `locked`), so monitoring rules work without the audit key.
   * Lower-case letters, digits and `-`; other characters are folded to `-`.
   */
  reason?: string;
}

export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}

/** For library users and tests that run without a log. */
export const discardAuditEvents: AuditSink = {
  async record() {},
};
