import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWithSecrets } from '../../../src/core/secrets/inject.js';

describe('runWithSecrets', () => {
  it('passes secrets in the environment and returns the exit code', async () => {
    const code = await runWithSecrets(process.execPath, ['-e', 'process.exit(process.env.MY_SECRET === "s3cr3t" && process.env.PATH ? 7 : 1)'], { secrets: { MY_SECRET: 's3cr3t' } });
    expect(code).toBe(7);
  });
  it('returns 128 + signal when the child is killed by a signal', async () => {
    expect(await runWithSecrets('sh', ['-c', 'kill -TERM $$'], { secrets: {} })).toBe(143);
  });
  it('does not put secrets in argv (no shell: arguments are passed verbatim)', async () => {
    expect(await runWithSecrets(process.execPath, ['-e', 'process.exit(process.argv.length === 2 && process.argv[1] === "$MY_SECRET" ? 0 : 1)', '$MY_SECRET'], { secrets: { MY_SECRET: 'x' } })).toBe(0);
  });
  it('forwards SIGTERM to the child', async () => {
    // The child says when its handler is in place (a marker file): a fixed delay lost the race
    // on a loaded machine, where node can take longer than that to start.
    const dir = mkdtempSync(join(tmpdir(), 'circle-inject-'));
    const ready = join(dir, 'ready');
    const script = `process.on("SIGTERM", () => process.exit(42)); require("fs").writeFileSync(${JSON.stringify(ready)}, ""); setInterval(() => {}, 1000);`;
    const whenReady = () => (existsSync(ready) ? process.emit('SIGTERM', 'SIGTERM') : setTimeout(whenReady, 20));
    try {
      const code = runWithSecrets(process.execPath, ['-e', script], { secrets: {}, onSpawn: whenReady });
      expect(await code).toBe(42);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a missing command is exit 4', async () => {
    await expect(runWithSecrets('definitely-not-a-command-xyz', [], { secrets: {} })).rejects.toMatchObject({ exitCode: 4 });
  });
});
