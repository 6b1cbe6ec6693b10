import { CircleError } from '../errors.js';
import { DEFAULT_POLICIES } from '../config/sections/index.js';

/**
 * NIST SP 800-63B §3.1.1.2: a minimum length, no composition rules, reject
 * known-compromised and context-specific passwords (the user name). Periodic
 * expiry is optional and off by default, as NIST advises.
 */
export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  /** Days after which a password must be changed; undefined = never (the default). */
  maxAgeDays?: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = DEFAULT_POLICIES.auth.password;

// The most common passwords of public breach lists that reach the minimum length, plus obvious ones.
const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789abc', 'password1234', 'password12345', 'passwordpassword',
  'qwertyuiopasdfgh', 'qwertyuiop123', 'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'iloveyou1234', 'letmein12345',
  'welcome12345', 'administrator', 'administrator1', 'changeme1234', 'trustno1trustno1', 'football1234', 'baseball1234',
  'starwars1234', 'superman1234', 'aaaaaaaaaaaa', '111111111111', '000000000000', 'abcdefghijkl', 'abc123abc123',
  'monkey123456', 'dragon123456', 'sunshine1234', 'princess1234', 'correcthorsebatterystaple', 'passw0rdpassw0rd',
  'p@ssw0rd1234', 'p@ssword1234', 'zaq12wsxcde3', 'asdfghjkl123', 'qwerty123qwerty', 'mypassword123',
]);

export function checkPassword(password: string, userName: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): void {
  const length = [...password.normalize('NFKC')].length;
  const reject = (why: string) => new CircleError('USAGE', `Password rejected: ${why}`, { hint: `Use a passphrase of at least ${policy.minLength} characters.` });
  if (length < policy.minLength) throw reject(`it is shorter than ${policy.minLength} characters`);
  if (length > policy.maxLength) throw reject(`it is longer than ${policy.maxLength} characters`);
  const lower = password.toLowerCase();
  if (lower.includes(userName.toLowerCase()) && userName.length >= 3) throw reject('it contains the user name');
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) throw reject('it is one of the most common passwords');
}

export function passwordExpired(changedAt: string, policy: PasswordPolicy, now = new Date()): boolean {
  if (!policy.maxAgeDays) return false;
  return now.getTime() - Date.parse(changedAt) > policy.maxAgeDays * 86_400_000;
}
