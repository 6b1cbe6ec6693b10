// Start-up cost of the CLI beside bare Node, measured in the same run (issue: foundation).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, interleavedMedians, line } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 21);
const home = mkdtempSync(join(tmpdir(), 'circle-bench-'));
const env = { ...process.env, CIRCLE_HOME: join(home, 'h'), CI: 'true' };
try {
  const [node, version, configGet] = interleavedMedians(
    [
      [process.execPath, ['-e', '0']],
      [process.execPath, [cli, '--version']],
      [process.execPath, [cli, 'config', 'get', 'auth.lockout.maxAttempts']],
    ],
    runs,
    { env },
  );
  console.log(`# start-up (median of ${runs} interleaved runs)`);
  line('node -e 0', `${node.toFixed(1)} ms`, 'baseline');
  line('circle --version', `${version.toFixed(1)} ms`, `${(version / node).toFixed(2)}x node (target <= 2.5x)`);
  line('circle config get auth.lockout.maxAttempts', `${configGet.toFixed(1)} ms`, `${(configGet / node).toFixed(2)}x node (target <= 3x)`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
