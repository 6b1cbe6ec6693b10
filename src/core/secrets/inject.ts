import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CircleError, errnoCode } from '../errors.js';

const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface RunOptions {
  /** Variables added to the child's environment (on top of `baseEnv`). */
  secrets: Record<string, string>;
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * Where the child's stdout goes: ours (the default), or our stderr, so that a caller
   * printing a machine-readable result on stdout (`--json`) never has the child's output mixed in.
   */
  childStdout?: 'stdout' | 'stderr';
  /** Called once the child is running (tests and progress). */
  onSpawn?: (pid: number | undefined) => void;
}

/**
 * Runs `command` with `args` (an argument array: no shell, so nothing is
 * re-parsed) and the secrets in its environment only — never in argv or on
 * disk. SIGINT, SIGTERM and SIGHUP are passed on; the result is the child's
 * exit code, or 128 + the signal number when a signal ended it (as shells do).
 */
export async function runWithSecrets(command: string, args: string[], options: RunOptions): Promise<number> {
  const env = { ...(options.baseEnv ?? process.env), ...options.secrets };
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(command, args, { env, stdio: options.childStdout === 'stderr' ? ['inherit', process.stderr, 'inherit'] : 'inherit' });
  } catch (error) {
    throw errnoCode(error) === 'E2BIG' ? tooBig(command, env, args, error) : error;
  }
  const handlers = forwarded.map((signal) => {
    const handler = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => {
        if (errnoCode(error) === 'ENOENT') reject(new CircleError('NOT_FOUND', `Command not found: ${command}`, { hint: 'Check the name and your PATH.' }));
        else if (errnoCode(error) === 'EACCES') reject(new CircleError('PERMISSION_DENIED', `Cannot execute ${command}: permission denied`));
        else if (errnoCode(error) === 'E2BIG') reject(tooBig(command, env, args, error));
        else reject(error);
      });
      child.once('spawn', () => options.onSpawn?.(child.pid));
      child.once('exit', (code, signal) => {
        if (signal) resolve(128 + (constants.signals[signal] ?? 0));
        else resolve(code ?? 0);
      });
    });
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}

/**
 * The OS refused to start the child because its arguments and environment are too large
 * (E2BIG: Linux caps one variable at 128 KiB and all of them together near ARG_MAX). Sizes
 * only, never values: the environment holds the secrets.
 */
function tooBig(command: string, env: NodeJS.ProcessEnv, args: string[], cause: unknown): CircleError {
  const sizes = Object.entries(env).map(([name, value]) => ({ name, bytes: Buffer.byteLength(`${name}=${value ?? ''}`) }));
  const largest = sizes.sort((a, b) => b.bytes - a.bytes)[0];
  const total = sizes.reduce((sum, s) => sum + s.bytes, 0) + args.reduce((sum, a) => sum + Buffer.byteLength(a), 0);
  return new CircleError('USAGE', `The environment and arguments are too large for the OS to start ${command} (E2BIG, ${total} bytes)`, {
    hint: `Inject fewer secrets with --only, or pass a large value as a file; the largest variable is ${largest?.name ?? '?'} (${largest?.bytes ?? 0} bytes).`,
    cause,
    details: { bytes: total, largestVariable: largest?.name },
  });
}
