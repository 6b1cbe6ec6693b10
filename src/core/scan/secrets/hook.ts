import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { CircleError, errnoCode } from '../../errors.js';
import { writeFileAtomic } from '../../home/atomic.js';

/** Identifies a hook we wrote, so re-installing may replace it but a foreign hook is kept. */
export const HOOK_MARKER = '# circle-core: scan-secrets pre-commit hook';

export interface InstallHookResult {
  path: string;
  /** `created`, `replaced` (ours, or a foreign hook with force), or `unchanged`. */
  action: 'created' | 'replaced' | 'unchanged';
}

export function hookScript(command = 'circle'): string {
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    '# Blocks a commit whose staged changes add a credential. Bypass once: git commit --no-verify',
    `exec ${command} scan secrets --staged --no-input "$@"`,
    '',
  ].join('\n');
}

/** Installs `.git/hooks/pre-commit` (honouring core.hooksPath); refuses to overwrite a foreign hook unless `force`. */
export async function installPreCommitHook(root: string, options: { force?: boolean; command?: string } = {}): Promise<InstallHookResult> {
  let hooksDir: string;
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--git-path', 'hooks'], { cwd: root });
    const rel = stdout.trim();
    hooksDir = isAbsolute(rel) ? rel : join(root, rel);
  } catch (error) {
    throw new CircleError('USAGE', `${root} is not inside a git work tree`, { cause: error, hint: 'Run it in a repository (git init first).' });
  }
  const file = join(hooksDir, 'pre-commit');
  // The command lands in a shell script: allow a path or `npx circle`, nothing a shell would interpret.
  if (options.command !== undefined && !/^[A-Za-z0-9_./@+ -]{1,200}$/.test(options.command)) {
    throw new CircleError('USAGE', 'The hook command may contain only letters, digits, spaces and _ . / @ + -', { hint: 'For example: --command "npx circle"' });
  }
  const script = hookScript(options.command);
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  if (existing === script) return { path: file, action: 'unchanged' };
  if (existing !== undefined && !existing.includes(HOOK_MARKER) && options.force !== true) {
    throw new CircleError('ALREADY_EXISTS', `${file} already exists and was not written by circle`, {
      hint: 'Pass --force to replace it, or call `circle scan secrets --staged` from your existing hook.',
    });
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, script, { mode: 0o755 });
  await chmod(file, 0o755);
  return { path: file, action: existing === undefined ? 'created' : 'replaced' };
}
