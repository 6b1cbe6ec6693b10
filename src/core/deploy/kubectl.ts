import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CircleError, errnoCode } from '../errors.js';

/**
 * circle never talks to the API server or reimplements kustomize: it runs `kubectl`
 * (with its built-in kustomize), or a standalone `kustomize` when that is what is
 * installed. Arguments are an array (no shell); anything secret goes on stdin.
 */

export interface ProcessResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** An executable on PATH, or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export function runProcess(command: string, args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: () => void } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    if (options.onSpawn) child.once('spawn', options.onSpawn);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < 64 * 1024) err += d;
    });
    child.once('error', (error) => {
      if (errnoCode(error) === 'ENOENT') reject(new CircleError('NOT_FOUND', `Command not found: ${command}`));
      else reject(error);
    });
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: err }));
    // A child that exits before reading its stdin (a failed kubectl) must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export interface KustomizeEngine {
  name: 'kubectl kustomize' | 'kustomize build';
  command: string;
  args(dir: string): string[];
}

export function findKustomize(env: NodeJS.ProcessEnv = process.env): KustomizeEngine {
  const kubectl = findExecutable('kubectl', env);
  if (kubectl) return { name: 'kubectl kustomize', command: kubectl, args: (dir) => ['kustomize', dir] };
  const kustomize = findExecutable('kustomize', env);
  if (kustomize) return { name: 'kustomize build', command: kustomize, args: (dir) => ['build', dir] };
  throw new CircleError('NOT_FOUND', 'Neither kubectl nor kustomize is on PATH', { hint: 'Install kubectl (it has kustomize built in) or a standalone kustomize.' });
}

export function findKubectl(env: NodeJS.ProcessEnv = process.env): string {
  const kubectl = findExecutable('kubectl', env);
  if (!kubectl) throw new CircleError('NOT_FOUND', 'kubectl is not on PATH', { hint: 'Install kubectl; circle deploy diff/apply run it with the rendered manifests on stdin.' });
  return kubectl;
}

/** `kubectl kustomize DIR` (or `kustomize build DIR`): the rendered stream, byte for byte. */
export async function kustomizeBuild(dir: string, env: NodeJS.ProcessEnv = process.env, onSpawn?: () => void): Promise<{ output: Buffer; engine: KustomizeEngine }> {
  const engine = findKustomize(env);
  const result = await runProcess(engine.command, engine.args(dir), { env, ...(onSpawn ? { onSpawn } : {}) });
  if (result.code !== 0) {
    const first = result.stderr.trim().split('\n')[0]?.replace(/^Error: /, '') ?? '';
    throw new CircleError('USAGE', `${engine.name} ${dir} failed: ${first.slice(0, 300)}`, { hint: `Run \`${engine.name} ${dir}\` to see the whole error.` });
  }
  return { output: result.stdout, engine };
}
