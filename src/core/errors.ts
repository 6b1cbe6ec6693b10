/**
 * The one error type core throws. Every failure a user can cause or meet maps to
 * a stable `code` and an exit code from the table in DESIGN.md §5, so scripts can
 * branch on either without parsing messages.
 */

export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  integrity: 5,
  conflict: 6,
  internal: 10,
  /** Ctrl-C at a prompt: the shell convention 128 + SIGINT. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable machine-readable error codes, grouped by the exit code they end in. */
export const ErrorCodes = {
  CHECK_FAILED: ExitCode.checkFailed,
  USAGE: ExitCode.usage,
  INPUT_REQUIRED: ExitCode.usage,
  CONFIG_INVALID: ExitCode.usage,
  CONFIG_UNKNOWN_KEY: ExitCode.usage,
  AUTH_REQUIRED: ExitCode.auth,
  AUTH_FAILED: ExitCode.auth,
  AUTH_LOCKED: ExitCode.auth,
  SESSION_EXPIRED: ExitCode.auth,
  TOKEN_INVALID: ExitCode.auth,
  PERMISSION_DENIED: ExitCode.auth,
  HOME_UNSAFE: ExitCode.auth,
  NOT_FOUND: ExitCode.notFound,
  INTEGRITY: ExitCode.integrity,
  STATE_CORRUPT: ExitCode.integrity,
  STATE_TOO_NEW: ExitCode.integrity,
  DECRYPT_FAILED: ExitCode.integrity,
  CONFLICT: ExitCode.conflict,
  LOCK_TIMEOUT: ExitCode.conflict,
  ALREADY_EXISTS: ExitCode.conflict,
  IO: ExitCode.internal,
  INTERNAL: ExitCode.internal,
  INTERRUPTED: ExitCode.interrupted,
} as const satisfies Record<string, ExitCodeValue>;

export type ErrorCode = keyof typeof ErrorCodes;

export interface CircleErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Plain data that helps a script react (file path, key name, retry time); never secrets. */
  details?: Record<string, unknown>;
}

export class CircleError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: CircleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CircleError';
    this.code = code;
    this.exitCode = ErrorCodes[code];
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): CircleErrorJson {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export interface CircleErrorJson {
  code: string;
  exitCode: number;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export function isCircleError(error: unknown): error is CircleError {
  return error instanceof CircleError;
}

/** Node's errno code of a system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
