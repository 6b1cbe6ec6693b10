import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, tempDir } from '../helpers/cli.js';

const hasPython = spawnSync('python3', ['--version']).error === undefined;

/** Drives `circle deploy init` in a pseudo-terminal (test/fixtures/pty/drive.py), taking most defaults. */
describe.skipIf(!hasPython)('circle deploy init, interactive', () => {
  const t = tempDir('circle-deploy-wizard-');
  afterAll(() => t.cleanup());

  it('asks for each answer, writes the tree after confirmation, and the answers land in it', () => {
    const steps = [
      ['App name', 'api\r'],
      ['Image', 'ghcr.io/acme/api:2.0.0\r'],
      ['Container port', '9000\r'],
      ['Replicas', '\r'],
      ['CPU request', '\r'],
      ['Memory request', '\r'],
      ['CPU limit', '\r'],
      ['Memory limit', '512Mi\r'],
      ['Liveness probe path', '\r'],
      ['Readiness probe path', '\r'],
      ['Startup probe path', '\r'],
      ['Plain settings', 'LOG_LEVEL=debug\r'],
      ['Secret names', 'API_KEY\r'],
      ['Volumes', '\r'],
      ['Ingress host', '\r'],
      ['Environments', 'dev,production\r'],
      ['Write \\d+ files', '\r'],
      ['Wrote \\d+ files', ''],
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, CIRCLE_HOME: join(t.dir, 'home'), TERM: 'xterm' };
    delete env.CI;
    const result = spawnSync('python3', [join(repoRoot, 'test/fixtures/pty/drive.py'), JSON.stringify(steps), '--', process.execPath, cliPath, 'deploy', 'init'], { env, cwd: t.dir, encoding: 'utf8', timeout: 120_000 });
    expect(result.status, result.stdout).toBe(0);
    const deployment = readFileSync(join(t.dir, 'deploy/base/deployment.yaml'), 'utf8');
    expect(deployment).toContain('image: ghcr.io/acme/api:2.0.0');
    expect(deployment).toContain('containerPort: 9000');
    expect(deployment).toContain('memory: 512Mi');
    expect(deployment).toContain('key: API_KEY');
    expect(readFileSync(join(t.dir, 'deploy/base/configmap.yaml'), 'utf8')).toContain('LOG_LEVEL: debug');
    expect(readFileSync(join(t.dir, 'deploy/circle.yaml'), 'utf8')).toMatch(/environments:\n\s+- dev\n\s+- production/);
  });
});
