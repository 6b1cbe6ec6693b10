import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, cliPath, runCli, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const home = join(t.dir, 'home');
const store = `file://${join(t.dir, 'store')}`;

describe('circle storage: faults', () => {
  it('a circle killed mid-upload leaves no object, half or whole, visible', async () => {
    const child = spawn(process.execPath, [cliPath, 'storage', 'put', store, 'big/upload.bin', '-'], { env: cliEnv({ home }), stdio: ['pipe', 'ignore', 'pipe'] });
    // The pipe breaks when the child dies: that EPIPE is expected.
    child.stdin.on('error', () => undefined);
    const chunk = Buffer.alloc(1024 * 1024, 7);
    // Feed 8 MiB, wait until the upload has really started writing, then SIGKILL mid-stream.
    for (let i = 0; i < 8; i++) child.stdin.write(chunk);
    const tmp = join(t.dir, 'store', 'tmp');
    for (let tries = 0; tries < 200; tries++) {
      const started = (() => {
        try {
          return readdirSync(tmp).length > 0;
        } catch {
          return false;
        }
      })();
      if (started) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const stat = await runCli(['storage', 'stat', store, 'big/upload.bin'], { home });
    expect(stat.code).toBe(4);
    const ls = await runCli(['storage', 'ls', store, '--json'], { home });
    expect(JSON.parse(ls.stdout)).toMatchObject({ objects: [] });
    // The next upload works and ignores the abandoned temp file.
    const again = await runCli(['storage', 'put', store, 'big/upload.bin', '-'], { home, input: 'complete' });
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(['storage', 'get', store, 'big/upload.bin'], { home })).stdout).toBe('complete');
  });

  it('refuses a store URL with a literal credential without echoing it (exit 2)', async () => {
    const r = await runCli(['storage', 'ls', 's3://bucket/p?secretAccessKey=hunter2hunter2&accessKeyId=AKIAEXAMPLE'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).not.toContain('hunter2hunter2');
  });
});
