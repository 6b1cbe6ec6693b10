import { CircleError } from '../errors.js';

const SEGMENT = /^[A-Za-z0-9._-][A-Za-z0-9._+@-]{0,254}$/;

/**
 * A store key: '/'-separated relative segments of safe characters, no '.' or
 * '..' segment, at most 1024 characters. Checked once at the store boundary, so
 * no key built from hostile input (an environment name, a user name) escapes the root.
 */
export function checkStoreKey(key: string): string {
  const segments = key.split('/');
  const ok = key.length > 0 && key.length <= 1024 && segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
  if (!ok) throw new CircleError('USAGE', `Invalid state key ${JSON.stringify(key.slice(0, 80))}`, { hint: 'Keys are relative names of letters, digits, . _ - + @ separated by /.' });
  return key;
}
