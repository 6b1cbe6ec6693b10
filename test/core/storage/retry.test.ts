import { describe, expect, it } from 'vitest';
import { CircleError } from '../../../src/core/errors.js';
import { backoffDelay, isTransient, withRetry } from '../../../src/core/storage/retry.js';

const transient = () => Object.assign(new Error('reset'), { code: 'ECONNRESET' });

describe('withRetry', () => {
  it('retries transient failures and returns the first success', async () => {
    let calls = 0;
    const result = await withRetry('op', async () => {
      calls++;
      if (calls < 3) throw transient();
      return 'ok';
    }, { attempts: 5, baseDelayMs: 1 });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the bound with a clear error naming the attempts', async () => {
    let calls = 0;
    const error = await withRetry('S3 get of "k"', async () => {
      calls++;
      throw Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 503 } });
    }, { attempts: 4, baseDelayMs: 1 }).catch((e: unknown) => e as CircleError);
    expect(calls).toBe(4);
    expect(error).toMatchObject({ code: 'IO', message: 'S3 get of "k" failed after 4 attempts: HTTP 503' });
  });

  it('does not retry final answers (4xx, CircleErrors)', async () => {
    let calls = 0;
    await expect(withRetry('op', async () => {
      calls++;
      throw new CircleError('NOT_FOUND', 'gone');
    }, { attempts: 5, baseDelayMs: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(calls).toBe(1);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { statusCode: 500 }))).toBe(true);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(1, { baseDelayMs: 100, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(4, { baseDelayMs: 100, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(20, { baseDelayMs: 100, maxDelayMs: 5000, random: () => 0.5 })).toBe(2500);
    expect(backoffDelay(3, { baseDelayMs: 100, random: () => 0 })).toBe(0);
  });
});
