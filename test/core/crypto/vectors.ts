import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '../../vectors/crypto');

/** A known-answer vector file from test/vectors/crypto (see its README for provenance). */
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(dir, name), 'utf8')) as T;
}

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');
