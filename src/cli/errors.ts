import { CircleError, errnoCode, isCircleError } from '../core/errors.js';

const REPORT_URL = 'https://github.com/circle-core/circle-core/issues';

/** Parse errors from oclif (unknown flag, missing argument) carry `oclif.exit` = 2 from package.json's exitCodes. */
function isOclifUsageError(error: unknown): error is Error & { oclif: { exit: number } } {
  return typeof error === 'object' && error !== null && 'oclif' in error && typeof (error as { oclif?: { exit?: unknown } }).oclif?.exit === 'number';
}

/** @inquirer/prompts ends a prompt with these when the user presses Ctrl-C (or the prompt is aborted). */
function isPromptCancelled(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/**
 * An oclif parser message as one line: without its "See more help with --help" tail and
 * without the "The following error occurred:" header that hides the real reason.
 */
function usageMessage(message: string): string {
  const lines = stripAnsi(message)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && line !== 'See more help with --help' && !/^The following errors? occurred:?$/.test(line));
  return lines.join(' ').replace(/\s+/g, ' ') || 'Invalid usage';
}

/**
 * Anything oclif's parser throws is the user's input, not a bug: an invalid option value or a
 * flag without its value comes as a plain CLIError that would otherwise take the default exit code.
 */
export function usageErrorFromParse(error: unknown, commandId?: string): unknown {
  if (isCircleError(error) || !(error instanceof Error)) return error;
  return new CircleError('USAGE', usageMessage(error.message), {
    hint: commandId ? `See \`circle ${commandId.replaceAll(':', ' ')} --help\` for usage.` : 'See --help for usage.',
    cause: error,
  });
}

/**
 * A file the user named that cannot be used: exit 4 when it does not exist, 2 when it is a
 * folder, unreadable or otherwise unusable; and `spawn E2BIG` (a command line or environment
 * too large for the OS) is the input's size, not a bug.
 */
function fromSystemError(error: unknown): CircleError | undefined {
  const code = errnoCode(error);
  if (code === undefined || !(error instanceof Error)) return undefined;
  const path = (error as { path?: unknown }).path;
  const where = typeof path === 'string' ? path : 'a path given';
  switch (code) {
    case 'ENOENT':
      if ((error as { syscall?: string }).syscall?.startsWith('spawn')) {
        return new CircleError('NOT_FOUND', `Command not found: ${where}`, { hint: 'Check the name and your PATH.', cause: error });
      }
      return new CircleError('NOT_FOUND', `No such file or directory: ${where}`, { hint: 'Check the path; a folder to write into must exist already.', cause: error });
    case 'EISDIR':
      return new CircleError('USAGE', `${typeof path === 'string' ? path : 'A path given'} is a directory, where a file was expected`, { cause: error });
    case 'ENOTDIR':
      return new CircleError('USAGE', `A part of ${where} is not a directory`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new CircleError('USAGE', `Permission denied: ${where}`, { hint: 'Check the file and folder permissions.', cause: error });
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return new CircleError('USAGE', `Unusable path: ${where} (${code})`, { cause: error });
    case 'E2BIG':
      return new CircleError('USAGE', 'The command line and environment are too large for the operating system to start the command (E2BIG)', {
        hint: 'Pass fewer or smaller values to the command, for example by injecting only the secrets it needs.',
        cause: error,
      });
    default:
      return undefined;
  }
}

/** Every error a command can end with, as a CircleError: known ones keep their code, anything else is a bug (exit 10). */
export function toCircleError(error: unknown): CircleError {
  if (isCircleError(error)) return error;
  if (isPromptCancelled(error)) return new CircleError('INTERRUPTED', 'Cancelled', { cause: error });
  if (isOclifUsageError(error) && error.oclif.exit === 2) {
    return new CircleError('USAGE', usageMessage(error.message), { hint: 'See --help for usage.', cause: error });
  }
  const systemError = fromSystemError(error);
  if (systemError) return systemError;
  const message = error instanceof Error ? error.message : String(error);
  return new CircleError('INTERNAL', `Unexpected error: ${stripAnsi(message.split('\n')[0] ?? '')}`, {
    hint: `This is a bug in circle. Run again with DEBUG=circle* for details and report it at ${REPORT_URL}`,
    cause: error,
  });
}

/** One line of error, one line of hint; the stack only when DEBUG names circle. Ctrl-C gets only a line break. */
export function renderError(error: CircleError, original: unknown, colour = stderrColour()): string {
  if (error.code === 'INTERRUPTED' && !debugEnabled()) return '\n';
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
