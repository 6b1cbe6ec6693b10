import { createRequire } from 'node:module';
import { CircleError } from '../../errors.js';

// json5 is needed only to find the line of a JSON syntax error: load it then, not with every JSON lockfile parser.
const require = createRequire(import.meta.url);

/**
 * A lockfile that cannot be read as its format: the message names the file and,
 * when the parser knows it, the line, so the user can go straight to it. Usage
 * (exit 2) because the input the user pointed us at is bad; during a directory
 * scan it is turned into a warning and the other lockfiles are still scanned.
 */
export function malformedLockfile(file: string, reason: string, line?: number, cause?: unknown): CircleError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new CircleError('USAGE', `Malformed lockfile ${where}: ${reason}`, {
    hint: 'Regenerate the lockfile with its package manager, or exclude it with --lockfile.',
    details: { file, ...(line === undefined ? {} : { line }) },
    cause,
  });
}

/** The 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Parses JSON, turning a syntax error into a malformed-lockfile error with its line. */
export function parseJsonLockfile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const match = /position (\d+)/.exec(String((error as Error).message));
    const line = match ? lineOfOffset(text, Number(match[1])) : jsonErrorLine(text);
    throw malformedLockfile(file, 'not valid JSON', line, error);
  }
}

/** Node 20's JSON.parse errors carry no position; json5's parser (a superset of JSON) reports the line. */
function jsonErrorLine(text: string): number | undefined {
  try {
    (require('json5') as typeof import('json5')).parse(text);
    return undefined;
  } catch (error) {
    const line = (error as { lineNumber?: unknown }).lineNumber;
    return typeof line === 'number' ? line : undefined;
  }
}
