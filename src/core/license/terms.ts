import { CircleError } from '../errors.js';
import { parseDateOrDuration, parseDurationSeconds, parseInstant } from './duration.js';
import { isFingerprint } from './fingerprint.js';
import type { LicenseTerms } from './sign.js';

/** `circle license issue` flags as given, before validation. */
export interface IssueFlags {
  licensee: string;
  product: string;
  entitlement?: string[];
  meta?: string[];
  expires?: string;
  trial?: string;
  notBefore?: string;
  seats?: number;
  machine?: string;
  grace?: string;
}

function usage(message: string, hint?: string): CircleError {
  return new CircleError('USAGE', message, hint ? { hint } : {});
}

/** Validates the issue flags once and turns them into license terms (USAGE errors name the flag). */
export function termsFromFlags(flags: IssueFlags, now: number): LicenseTerms {
  if (flags.expires !== undefined && flags.trial !== undefined) throw usage('Give --expires or --trial, not both');
  const meta: Record<string, string> = {};
  for (const pair of flags.meta ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usage(`--meta ${JSON.stringify(pair)} is not KEY=VALUE`);
    const key = pair.slice(0, eq);
    if (Object.hasOwn(meta, key)) throw usage(`--meta ${key} is given twice`);
    meta[key] = pair.slice(eq + 1);
  }
  let notBefore: number | undefined;
  if (flags.notBefore !== undefined) {
    notBefore = parseInstant(flags.notBefore);
    if (notBefore === undefined) throw usage(`--not-before ${flags.notBefore} is not a date`, 'Use 2027-01-31 or 2027-01-31T09:00:00Z.');
  }
  let expires: number | undefined;
  if (flags.expires !== undefined) {
    expires = parseDateOrDuration(flags.expires, notBefore ?? now);
    if (expires === undefined) throw usage(`--expires ${flags.expires} is neither a date nor a duration`, 'Use 2027-01-31, 2027-01-31T09:00:00Z or 30d.');
  }
  if (flags.trial !== undefined) {
    const seconds = parseDurationSeconds(flags.trial);
    if (!seconds) throw usage(`--trial ${flags.trial} is not a duration`, 'Use a number and a unit: 14d, 2w.');
    expires = (notBefore ?? now) + seconds * 1000;
  }
  let graceSeconds: number | undefined;
  if (flags.grace !== undefined) {
    graceSeconds = parseDurationSeconds(flags.grace);
    if (graceSeconds === undefined) throw usage(`--grace ${flags.grace} is not a duration`, 'Use a number and a unit: 7d.');
    if (expires === undefined) throw usage('--grace needs --expires or --trial: a perpetual license has nothing to be late for');
  }
  if (flags.machine !== undefined && !isFingerprint(flags.machine)) {
    throw usage('--machine is not a fingerprint', 'Run `circle license fingerprint` on the licensee\'s machine: 64 lower-case hex digits.');
  }
  if (flags.seats !== undefined && !(Number.isSafeInteger(flags.seats) && flags.seats > 0)) throw usage('--seats must be a positive whole number');
  return {
    licensee: flags.licensee,
    product: flags.product,
    entitlements: flags.entitlement ?? [],
    meta,
    ...(expires === undefined ? {} : { expires }),
    ...(notBefore === undefined ? {} : { notBefore }),
    trial: flags.trial !== undefined,
    ...(flags.seats === undefined ? {} : { seats: flags.seats }),
    ...(flags.machine === undefined ? {} : { machine: flags.machine }),
    ...(graceSeconds === undefined ? {} : { graceSeconds }),
  };
}
