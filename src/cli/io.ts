import { startProgress, type Progress } from './progress.js';

/**
 * The I/O seam: every byte a command shows goes through one `Io`, built once per
 * command by the base command. Colour is decided per stream, so `circle doctor >
 * report.txt` from a terminal writes plain text into the file while errors on the
 * terminal stay coloured. Tests pass a double (`bufferIo`) and run commands in process.
 */
export interface OutputStream {
  write(text: string): void;
  /** A person is looking at it (a terminal). */
  readonly isTTY: boolean;
  /** Width in columns; 0 when unknown (a pipe, a file, a pty that was never sized). */
  readonly columns: number;
  /** ANSI colour may be written to this stream. */
  readonly colour: boolean;
  /** The underlying stream, for libraries that want one (prompts, spinners). */
  readonly stream: NodeJS.WritableStream;
}

export interface InputStream {
  readonly isTTY: boolean;
  readonly stream: NodeJS.ReadableStream;
  /** All of it, as UTF-8. */
  readAll(): Promise<string>;
}

export interface Io {
  /** Data: the result, and nothing else. */
  readonly out: OutputStream;
  /** People: notes, warnings, progress, prompts and errors. */
  readonly err: OutputStream;
  readonly in: InputStream;
  /** True only when a person can answer: TTYs on stdin and stderr, no --json, no --no-input, not CI. */
  readonly canPrompt: boolean;
  /** A spinner on stderr when a person is watching; a silent no-op otherwise. */
  progress(text: string): Progress;
}

export interface IoSettings {
  env: NodeJS.ProcessEnv;
  json: boolean;
  quiet: boolean;
  noInput: boolean;
  noColor: boolean;
}

/** A stream's colour decision: --no-color and NO_COLOR switch it off, FORCE_COLOR decides when set, else only a terminal gets colour. */
export function colourAllowed(isTTY: boolean, env: NodeJS.ProcessEnv, noColorFlag = false): boolean {
  if (noColorFlag || env.NO_COLOR !== undefined) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY;
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

const ansi = { red: 31, yellow: 33, dim: 2, bold: 1, green: 32 } as const;
export type Colour = keyof typeof ansi;

/** Minimal ANSI colouring (start-up need not load chalk), only where the stream allows colour. */
export function paint(stream: Pick<OutputStream, 'colour'>, colour: Colour, text: string): string {
  return stream.colour ? `\u001B[${ansi[colour]}m${text}\u001B[0m` : text;
}

/** Removes SGR colour sequences, for text that reaches a stream that must stay plain. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;]*m/g, '');
}

type TtyWritable = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

function outputStream(stream: TtyWritable, env: NodeJS.ProcessEnv, noColor: boolean): OutputStream {
  const isTTY = Boolean(stream.isTTY);
  return {
    write: (text) => void stream.write(text),
    isTTY,
    get columns() {
      return isTTY ? (stream.columns ?? 0) : 0;
    },
    colour: colourAllowed(isTTY, env, noColor),
    stream,
  };
}

function inputStream(stream: NodeJS.ReadableStream & { isTTY?: boolean }): InputStream {
  return {
    isTTY: Boolean(stream.isTTY),
    stream,
    async readAll() {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

export interface IoStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: TtyWritable;
  stderr: TtyWritable;
}

/** The Io of a command: the process's streams by default, any streams for tests. */
export function createIo(settings: IoSettings, streams: IoStreams = process): Io {
  const out = outputStream(streams.stdout, settings.env, settings.noColor);
  const err = outputStream(streams.stderr, settings.env, settings.noColor);
  const input = inputStream(streams.stdin);
  const ci = isCI(settings.env);
  return {
    out,
    err,
    in: input,
    canPrompt: input.isTTY && err.isTTY && !settings.json && !settings.noInput && !ci,
    // A terminal that reports no width (a pty never sized, as under `docker run -t`) gets no
    // spinner: it counts wrapped lines against the width to redraw, and floods such a terminal.
    progress: (text) => startProgress(text, err.isTTY && err.columns > 0 && !settings.json && !settings.quiet && !ci, err.stream),
  };
}

/**
 * Where the next command's Io reads and writes: the process's streams, unless a test
 * runs commands in process with its own. Kept on globalThis so the bundled CLI and the
 * sources a test imports see the same value.
 */
const streamsKey = Symbol.for('circle-core.io.streams');

export function commandStreams(): IoStreams & { env?: NodeJS.ProcessEnv } {
  return (globalThis as Record<symbol, (IoStreams & { env?: NodeJS.ProcessEnv }) | undefined>)[streamsKey] ?? process;
}

/** Runs `fn` with commands writing to `streams` (tests only; one at a time). */
export async function withCommandStreams<T>(streams: IoStreams & { env?: NodeJS.ProcessEnv }, fn: () => Promise<T>): Promise<T> {
  const global = globalThis as Record<symbol, unknown>;
  const previous = global[streamsKey];
  global[streamsKey] = streams;
  try {
    return await fn();
  } finally {
    global[streamsKey] = previous;
  }
}
