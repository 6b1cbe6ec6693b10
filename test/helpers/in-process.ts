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

let loadedConfig: Promise<import('@oclif/core').Config> | undefined;

/**
 * Runs `circle ARGV` in this process, as `runCli` (test/helpers/cli.ts) runs the built binary:
 * the commands come from the same bundle (dist/cli.cjs) through oclif's command discovery, the
 * environment is CI-like without colour or inherited circle state, and stdin/stdout/stderr are
 * in-memory streams. For what only a real process shows (signals, crashes, the bin/run.js shims),
 * keep runCli.
 */
export async function runArgv(argv: string[], options: { home?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { Config, run, settings } = await import('@oclif/core');
  // Run the built bundle as the binary does, never a TypeScript source oclif might find beside it.
  settings.enableAutoTranspile = false;
  loadedConfig ??= Config.load(repoRoot);
  const config = await loadedConfig;
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('CIRCLE_')) delete process.env[key];
  Object.assign(process.env, { CI: 'true', NO_COLOR: '1' }, options.home ? { CIRCLE_HOME: options.home } : {}, options.env);
  if (process.env.NO_COLOR !== undefined) process.env.FORCE_COLOR = '0'; // as bin/run.js does
  try {
    const r = await runInProcess({ run: () => run(argv, config) }, argv, { ...(options.input === undefined ? {} : { input: options.input }), env: { ...process.env } });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
