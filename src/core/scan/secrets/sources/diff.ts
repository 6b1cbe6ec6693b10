import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CircleError } from '../../../errors.js';
import type { ScanChunk } from './types.js';

/** Marks our commit header line in `git log --format`; NUL cannot occur in git metadata. */
const COMMIT_MARK = '\u0000circle-commit\u0000';

/**
 * Turns a unified diff (`-U0`) stream into chunks of consecutive added lines. Only
 * added lines matter: a secret that was deleted was first added somewhere.
 */
export async function* addedChunks(lines: AsyncIterable<string>): AsyncGenerator<ScanChunk> {
  let commit: { commit: string; author: string; date: string } | undefined;
  let path: string | undefined;
  let nextLine = 0;
  let buf: string[] = [];
  let bufStart = 0;
  const flush = (): ScanChunk | undefined => {
    if (buf.length === 0 || path === undefined) {
      buf = [];
      return undefined;
    }
    const chunk: ScanChunk = { path, text: buf.join('\n'), firstLine: bufStart, ...(commit ?? {}) };
    buf = [];
    return chunk;
  };
  // `+++ ` is a file header only right after a `--- ` line; inside a hunk it is added text.
  let afterMinusHeader = false;
  for await (const line of lines) {
    const isHeader = afterMinusHeader && line.startsWith('+++ ');
    afterMinusHeader = false;
    if (line.startsWith('+') && !isHeader && path !== undefined) {
      if (buf.length === 0) bufStart = nextLine;
      buf.push(line.slice(1));
      nextLine++;
      continue;
    }
    const done = flush();
    if (done !== undefined) yield done;
    if (line.startsWith(COMMIT_MARK)) {
      const [hash = '', author = '', date = ''] = line.slice(COMMIT_MARK.length).split('\u0000');
      commit = { commit: hash, author, date };
      path = undefined;
    } else if (line.startsWith('--- ')) {
      afterMinusHeader = true;
    } else if (isHeader) {
      const target = line.slice(4);
      path = target === '/dev/null' ? undefined : target.replace(/^b\//, '');
    } else if (line.startsWith('diff --git ')) {
      path = undefined;
    } else if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      nextLine = m ? Number(m[1]) : 0;
    }
  }
  const last = flush();
  if (last !== undefined) yield last;
}

/** Runs git with an argument array (never a shell) and yields its stdout lines. */
export async function* gitLines(cwd: string, args: string[]): AsyncGenerator<string> {
  const child = spawn('git', ['-c', 'core.quotePath=false', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    if (child.exitCode === null) child.kill();
  }
  let code: number;
  try {
    code = await exited;
  } catch (error) {
    throw new CircleError('USAGE', 'git is not installed or not on PATH', { cause: error, hint: 'Install git to scan --staged or --git.' });
  }
  if (code !== 0) {
    throw new CircleError('USAGE', `git ${args[0] ?? ''} failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`, {
      hint: 'Run the scan inside a git work tree (or pass its path).',
    });
  }
}

/** A revision given on the command line: never an option, never a range trick. */
export function assertSafeRevision(rev: string): void {
  if (rev.startsWith('-') || !/^[A-Za-z0-9._/~^@{}:-]{1,200}$/.test(rev)) {
    throw new CircleError('USAGE', `Not a valid git revision: ${JSON.stringify(rev)}`, { hint: 'Pass a commit, tag or branch, e.g. --since v1.2.0.' });
  }
}

const DIFF_FLAGS = ['-U0', '--no-color', '--no-ext-diff', '--no-textconv'];

/** Every line added in history (`--since REV`: only commits after REV), newest first. */
export function historyChunks(root: string, since?: string): AsyncGenerator<ScanChunk> {
  const range = since === undefined ? ['--all'] : (assertSafeRevision(since), [`${since}..HEAD`]);
  const args = ['log', '-p', ...DIFF_FLAGS, `--format=${COMMIT_MARK.replace(/\u0000/g, '%x00')}%H%x00%an%x00%aI`, ...range, '--'];
  return addedChunks(gitLines(root, args));
}

/** What `git commit` would add now: the staged diff against HEAD. */
export function stagedChunks(root: string): AsyncGenerator<ScanChunk> {
  return addedChunks(gitLines(root, ['diff', '--cached', ...DIFF_FLAGS, '--diff-filter=ACMRT', '--']));
}

/** The top of the work tree containing `cwd`: staged and history paths are relative to it. */
export async function gitTopLevel(cwd: string): Promise<string> {
  for await (const line of gitLines(cwd, ['rev-parse', '--show-toplevel'])) if (line.trim() !== '') return line.trim();
  throw new CircleError('USAGE', `${cwd} is not inside a git work tree`);
}
