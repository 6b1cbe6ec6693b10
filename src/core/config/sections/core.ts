import { z } from 'zod';

/** Keys every command shares: the default environment and how long to wait for a lock. */
export const coreSection = {
  'defaultEnv': z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _')
    .default('development')
    .describe('Environment used when --env and CIRCLE_ENV are not given.'),
  'lock.timeoutMs': z.number().int().min(0).max(600_000).default(15_000).describe('How long to wait for another circle process before failing (exit 6).'),
};

type CoreValues = { [K in keyof typeof coreSection]: z.output<(typeof coreSection)[K]> };

export interface LockPolicy {
  /** Wait this long for another process's lock before LOCK_TIMEOUT (exit 6). */
  timeoutMs: number;
}

export interface EnvironmentPolicy {
  /** The environment used when neither --env nor CIRCLE_ENV names one. */
  defaultEnv: string;
}

export function lockPolicy(values: CoreValues): LockPolicy {
  return { timeoutMs: values['lock.timeoutMs'] };
}

export function environmentPolicy(values: CoreValues): EnvironmentPolicy {
  return { defaultEnv: values.defaultEnv };
}
