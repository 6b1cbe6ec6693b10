/**
 * Runs the built `circle` binary (`bin/run.js`; `npm run build` regenerates the
 * oclif manifest, so every command is found) for the auth/init/keys CLI tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function circleBin(): string {
  return join(repoRoot, 'bin/run.js');
}

/** Kept for callers from when tests ran a shadow package root; nothing to clean up now. */
export function cleanupShadow(): void {}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCircle(home: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CIRCLE_HOME: home,
      CI: 'true',
      NO_COLOR: '1',
      CIRCLE_SESSION: '',
      CIRCLE_TOKEN: '',
      CIRCLE_USER: '',
      ...options.env,
    };
    const child = spawn(process.execPath, [circleBin(), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'circle-auth-cli-'));
}
