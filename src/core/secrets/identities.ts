import { readFile } from 'node:fs/promises';
import { X25519Identity } from '../age/x25519.js';
import { CircleError, errnoCode } from '../errors.js';
import { inputFileError } from '../files/user-paths.js';
import { keyEnvVar } from './names.js';

/**
 * The keys that can open a project environment, from the sources that need no
 * vault: `CIRCLE_KEY_<ENV>` (CI) and identity files (`--identity`). The
 * caller appends the logged-in user's vault identity when there is one.
 */
export async function projectIdentities(env: string, options: { identityFiles?: string[]; processEnv?: NodeJS.ProcessEnv } = {}): Promise<X25519Identity[]> {
  const vars = options.processEnv ?? process.env;
  const out: X25519Identity[] = [];
  const fromEnv = vars[keyEnvVar(env)];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    try {
      out.push(new X25519Identity(fromEnv.trim()));
    } catch {
      // Never echo the value: it is a private key.
      throw new CircleError('USAGE', `${keyEnvVar(env)} does not hold an AGE-SECRET-KEY-1… key`);
    }
  }
  for (const file of options.identityFiles ?? []) out.push(...(await readIdentityFile(file)));
  return out;
}

export async function readIdentityFile(file: string): Promise<X25519Identity[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new CircleError('NOT_FOUND', `Identity file ${file} does not exist`);
    throw inputFileError(file, error, 'Identity file') ?? error;
  }
  const keys = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (keys.length === 0) throw new CircleError('USAGE', `Identity file ${file} holds no AGE-SECRET-KEY-1… key`);
  try {
    return keys.map((k) => new X25519Identity(k));
  } catch {
    throw new CircleError('USAGE', `Identity file ${file} holds something other than AGE-SECRET-KEY-1… keys`);
  }
}
