/**
 * Runs the built `circle` binary for the auth/init/keys CLI tests. While the
 * checked-in oclif manifest predates these commands, it runs the same build from
 * a shadow package root without the manifest (oclif then discovers dist/commands).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let shadow: string | undefined;

function manifestHasAuth(): boolean {
  const file = join(repoRoot, 'oclif.manifest.json');
  if (!existsSync(file)) return true;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { commands: Record<string, unknown> };
  return ['init', 'auth:login', 'auth:token:create', 'keys:rotate'].every((id) => id in manifest.commands);
}

export function circleBin(): string {
  if (manifestHasAuth()) return join(repoRoot, 'bin/run.js');
  if (!shadow) {
    shadow = mkdtempSync(join(tmpdir(), 'circle-shadow-'));
    writeFileSync(join(shadow, 'package.json'), readFileSync(join(repoRoot, 'package.json')));
    symlinkSync(join(repoRoot, 'dist'), join(shadow, 'dist'));
    symlinkSync(join(repoRoot, 'node_modules'), join(shadow, 'node_modules'));
    mkdirSync(join(shadow, 'bin'));
    copyFileSync(join(repoRoot, 'bin/run.js'), join(shadow, 'bin/run.js'));
  }
  return join(shadow, 'bin/run.js');
}

/** Removes the shadow root, if one was made (call from afterAll). */
export function cleanupShadow(): void {
  if (shadow) rmSync(shadow, { recursive: true, force: true });
  shadow = undefined;
}

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
