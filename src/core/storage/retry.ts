import { setTimeout as sleep } from 'node:timers/promises';
import { CircleError, isCircleError } from '../errors.js';

export interface RetryOptions {
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** Delay before the second try; doubles each time (default 100 ms). */
  baseDelayMs?: number;
  /** Cap on one delay (default 5 s). */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Test seam: the random source for jitter. */
  random?: () => number;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'signal' | 'random'>> = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * A failure worth another try: server errors (5xx), throttling (429), time-outs
 * and dropped or refused connections. Everything that says something about the
 * request itself (4xx, a CircleError) is final.
 */
export function isTransient(error: unknown): boolean {
  if (isCircleError(error)) return false;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: string; statusCode?: number; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? e.statusCode;
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (e.$retryable !== undefined) return true;
  const code = e.code ?? '';
  if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'REQUEST_SEND_ERROR'].includes(code)) {
    return true;
  }
  return ['TimeoutError', 'RequestTimeout', 'ServiceUnavailable', 'SlowDown', 'InternalError', 'RequestTimeTooSkewed'].includes(e.name ?? '');
}

/** Full-jitter exponential backoff: a uniform delay in [0, min(cap, base·2^(n-1))). */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * Runs `operation`, trying again after transient failures with exponential
 * backoff and full jitter (so many clients that failed together do not retry
 * together), at most `attempts` times. When the tries run out the error says
 * what was tried and how often; the last failure is its cause.
 */
export async function withRetry<T>(what: string, operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_RETRY.attempts);
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= attempts) throw unavailable(what, attempts, error);
      await sleep(backoffDelay(attempt, options), undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}

export function unavailable(what: string, attempts: number, cause: unknown): CircleError {
  return new CircleError('IO', `${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeCause(cause)}`, {
    hint: 'The storage service is unreachable or failing; check the endpoint and retry later.',
    cause,
    details: { attempts },
  });
}

/** A short, secret-free description of a transport or service failure. */
export function describeCause(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { name?: string; code?: string; message?: string; statusCode?: number; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? e.statusCode;
  const parts = [status === undefined ? undefined : `HTTP ${status}`, e.code ?? (e.name !== 'Error' ? e.name : undefined)].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : (e.message ?? 'unknown error').split('\n')[0]!.slice(0, 200);
}
