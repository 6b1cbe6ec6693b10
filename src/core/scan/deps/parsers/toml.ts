import { parse as parseToml, TomlError } from 'smol-toml';
import { malformedLockfile } from '../errors.js';
import { matchingLines } from '../graph.js';

/** Parses TOML with smol-toml, turning a syntax error into a malformed-lockfile error with its line. */
export function parseTomlLockfile(file: string, text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = error instanceof TomlError ? error.line : undefined;
    throw malformedLockfile(file, 'not valid TOML', line, error);
  }
}

/** The line of each `[[package]]` table, in order, so the n-th parsed package gets the n-th line. */
export function packageTableLines(text: string): number[] {
  return matchingLines(text, /^\s*\[\[package\]\]\s*(#.*)?$/);
}
