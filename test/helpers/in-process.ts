/**
 * Runs a command class in this process with a test double of its Io (src/cli/io.ts):
 * stdin, stdout and stderr are in-memory streams, terminals only when asked. Much faster
 * than spawning the built CLI; the spawn-based tests keep the bundle, signals, exit codes
 * and crash safety covered.
 */
import { PassThrough, Readable } from 'node:stream';
import { withCommandStreams } from '../../src/cli/io.js';
import { repoRoot } from './cli.js';

export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  result: unknown;
}

export interface InProcessOptions {
  /** Written to stdin, which then ends. */
  input?: string;
  /** Make stdout (and/or stderr) a terminal of 100 columns. */
  tty?: { stdout?: boolean; stderr?: boolean; stdin?: boolean };
  /** The environment the Io decides colour and CI from (default: CI, no colour settings). */
  env?: NodeJS.ProcessEnv;
}

function capture(isTTY: boolean): { stream: PassThrough; text: () => string } {
  const stream = Object.assign(new PassThrough(), isTTY ? { isTTY: true, columns: 100 } : {});
  let text = '';
  stream.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { stream, text: () => text };
}

/** A concrete command class: its static `run` parses argv, runs, and returns the result. */
interface CommandClass {
  run(argv: string[], root: string): Promise<unknown>;
}

export async function runInProcess(command: CommandClass, argv: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const stdout = capture(Boolean(options.tty?.stdout));
  const stderr = capture(Boolean(options.tty?.stderr));
  const stdin = Object.assign(Readable.from([Buffer.from(options.input ?? '')]), { isTTY: Boolean(options.tty?.stdin) });
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    const result = await withCommandStreams({ stdin, stdout: stdout.stream, stderr: stderr.stream, env: options.env ?? { CI: 'true' } }, () => command.run(argv, repoRoot));
    await new Promise((resolve) => setImmediate(resolve));
    return { exitCode: Number(process.exitCode ?? 0), stdout: stdout.text(), stderr: stderr.text(), result };
  } finally {
    process.exitCode = previousExitCode;
  }
}
