import { fileURLToPath } from 'node:url';
import { Config, flush, handle, run, settings } from '@oclif/core';
import { CircleError, type CircleErrorJson } from '../core/errors.js';
import { renderError, toCircleError } from './errors.js';

/**
 * The entry point bin/run.js calls (in place of oclif's `execute`): it runs the command line
 * through oclif, but first settles what oclif would get wrong before any command exists to map
 * the error — global flags written before the command, words after a command that takes no
 * arguments, and unknown commands — and answers those as usage errors (exit 2), with the one
 * JSON document when `--json` is given, instead of oclif's "command … not found" (exit 10).
 */
export async function execute(options: { dir: string; development?: boolean; args?: string[] }): Promise<unknown> {
  if (options.development) {
    process.env.NODE_ENV = 'development';
    settings.debug = true;
  }
  let argv = options.args ?? process.argv.slice(2);
  try {
    const config = await Config.load(options.dir.startsWith('file://') ? fileURLToPath(options.dir) : options.dir);
    argv = hoistGlobalFlags(argv, config);
    const misuse = commandLineMisuse(argv, config);
    if (misuse) throw misuse;
    const result = await run(argv, config);
    flush();
    return result;
  } catch (error) {
    return report(error, argv);
  }
}

/** Flags every command has (BaseCommand.baseFlags plus --json); `--home` takes a value. */
const globalBooleans = new Set(['--json', '--no-input', '--quiet', '-q', '--no-color']);

/** The words before the first flag or `--`: the command id and, perhaps, its arguments. */
function leadingWords(argv: string[]): string[] {
  const end = argv.findIndex((token) => token.startsWith('-'));
  return end === -1 ? argv : argv.slice(0, end);
}

/** How many leading words name a command (the longest match), or 0. */
function commandLength(words: string[], config: Config): number {
  for (let n = words.length; n > 0; n--) if (config.findCommand(words.slice(0, n).join(':'))) return n;
  return 0;
}

/**
 * `circle --json auth whoami` means `circle auth whoami --json`: global flags written before
 * the command move to just after its id, where oclif parses them.
 */
export function hoistGlobalFlags(argv: string[], config: Config): string[] {
  const hoisted: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const token = argv[i]!;
    if (globalBooleans.has(token) || token.startsWith('--home=')) {
      hoisted.push(token);
      i += 1;
    } else if (token === '--home' && i + 1 < argv.length) {
      hoisted.push(token, argv[i + 1]!);
      i += 2;
    } else break;
  }
  if (hoisted.length === 0) return argv;
  const rest = argv.slice(i);
  const words = leadingWords(rest);
  const idLength = commandLength(words, config) || words.length;
  if (idLength === 0) return argv;
  return [...rest.slice(0, idLength), ...hoisted, ...rest.slice(idLength)];
}

/**
 * An unknown command, or words after a command that takes none (oclif would glue them onto
 * the command id and report `auth:whoami:extra` as not found), as a usage error.
 */
export function commandLineMisuse(argv: string[], config: Config): CircleError | undefined {
  const words = leadingWords(argv);
  if (words.length === 0) return undefined;
  const length = commandLength(words, config);
  if (length > 0) {
    const command = config.findCommand(words.slice(0, length).join(':'))!;
    const takesArgs = command.strict === false || Object.keys(command.args ?? {}).length > 0;
    if (length === words.length || takesArgs) return undefined;
    const extra = words.slice(length);
    const id = words.slice(0, length).join(' ');
    return new CircleError('USAGE', `Unexpected argument${extra.length === 1 ? '' : 's'} to \`circle ${id}\`: ${extra.join(' ')}`, {
      hint: `\`circle ${id}\` takes no arguments; see \`circle ${id} --help\`.`,
    });
  }
  if (config.findTopic(words.join(':'))) return undefined; // oclif shows the topic's help
  const topicDepth = [...words.keys()].reverse().find((n) => n > 0 && config.findTopic(words.slice(0, n).join(':')));
  const topic = topicDepth === undefined ? undefined : words.slice(0, topicDepth).join(' ');
  return new CircleError('USAGE', `Unknown command: circle ${words.join(' ')}`, {
    hint: topic ? `See \`circle ${topic} --help\` for its commands.` : 'See `circle --help` for the list of commands.',
  });
}

/** An error no command caught: oclif's own exits keep their code; the rest are mapped like a command's. */
async function report(error: unknown, argv: string[]): Promise<void> {
  if (isOclifExit(error)) return handle(error as Error);
  const circleError = toCircleError(error);
  process.exitCode = circleError.exitCode;
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (options.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ error: circleError.toJSON() satisfies CircleErrorJson }, null, 2)}\n`);
  } else {
    process.stderr.write(renderError(circleError, error));
  }
}

function isOclifExit(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EEXIT';
}
