import { execFileSync, spawnSync } from 'node:child_process';

/** Debian's `age` for interop tests; absent → those tests skip with a visible note. */
export const hasAge = spawnSync('age', ['--version']).status === 0 && spawnSync('age-keygen', ['--help']).error === undefined;
/** util-linux `script` gives `age -p` the terminal it insists on. */
export const hasScript = spawnSync('script', ['--version']).error === undefined;
export const hasSshKeygen = spawnSync('ssh-keygen', ['-?']).error === undefined;

if (!hasAge) console.warn('[circle tests] Debian `age` not found: age interop tests are SKIPPED (apt-get install -y age)');

export function run(cmd: string, args: string[], input?: Buffer): Buffer {
  return execFileSync(cmd, args, { input, maxBuffer: 64 << 20 });
}
