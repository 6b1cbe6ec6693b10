import { CircleError, isCircleError } from '../core/errors.js';

const REPORT_URL = 'https://github.com/circle-core/circle-core/issues';

/** Parse errors from oclif (unknown flag, missing argument) carry `oclif.exit` = 2 from package.json's exitCodes. */
function isOclifUsageError(error: unknown): error is Error & { oclif: { exit: number } } {
  return typeof error === 'object' && error !== null && 'oclif' in error && typeof (error as { oclif?: { exit?: unknown } }).oclif?.exit === 'number';
}

/** Every error a command can end with, as a CircleError: known ones keep their code, anything else is a bug (exit 10). */
export function toCircleError(error: unknown): CircleError {
  if (isCircleError(error)) return error;
  if (isOclifUsageError(error) && error.oclif.exit === 2) {
    const [first, ...rest] = error.message.split('\n').map((line) => line.trim()).filter(Boolean);
    return new CircleError('USAGE', stripAnsi(first ?? 'Invalid usage'), {
      hint: stripAnsi(rest.join(' ')) || 'See --help for usage.',
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CircleError('INTERNAL', `Unexpected error: ${stripAnsi(message.split('\n')[0] ?? '')}`, {
    hint: `This is a bug in circle. Run again with DEBUG=circle* for details and report it at ${REPORT_URL}`,
    cause: error,
  });
}

/** One line of error, one line of hint; the stack only when DEBUG names circle. */
export function renderError(error: CircleError, original: unknown, colour = stderrColour()): string {
  const red = (text: string) => (colour ? paint(31, text) : text);
  const dim = (text: string) => (colour ? paint(2, text) : text);
  let out = `${red('Error:')} ${error.message}\n`;
  if (error.hint) out += `${dim('Hint:')} ${error.hint}\n`;
  if (debugEnabled()) {
    const stack = original instanceof Error ? original.stack : undefined;
    if (stack) out += `${stack}\n`;
    const cause = error.cause instanceof Error ? error.cause.stack : undefined;
    if (cause && cause !== stack) out += `Caused by: ${cause}\n`;
  }
  return out;
}

function debugEnabled(): boolean {
  const debug = process.env.DEBUG ?? '';
  return debug.split(/[\s,]+/).some((pattern) => pattern === '*' || pattern.startsWith('circle'));
}

function stderrColour(): boolean {
  return Boolean(process.stderr.isTTY) && process.env.FORCE_COLOR !== '0' && process.env.NO_COLOR === undefined;
}

function paint(code: number, text: string): string {
  return `\u001B[${code}m${text}\u001B[0m`;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;]*m/g, '');
}
