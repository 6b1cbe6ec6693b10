// Shared helpers for the benchmark scripts: timing child processes and printing results.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(repoRoot, 'bin', 'run.js');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall time in ms of one run of `command args`, failing loudly if it fails. */
export function timeOnce(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * Median wall time of several commands, run interleaved (a, b, c, a, b, c, …) so
 * that load from elsewhere on the machine falls on all of them alike.
 */
export function interleavedMedians(cases, runs, options = {}) {
  const times = cases.map(() => []);
  for (let i = 0; i < runs + 2; i++) {
    cases.forEach(([command, args], j) => {
      const ms = timeOnce(command, args, options);
      if (i >= 2) times[j].push(ms); // the first two rounds warm the disk cache
    });
  }
  return times.map(median);
}

export function line(label, value, extra = '') {
  console.log(`${label.padEnd(44)} ${value}${extra ? `  ${extra}` : ''}`);
}
