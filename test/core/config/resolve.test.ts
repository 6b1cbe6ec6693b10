import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isCircleError } from '../../../src/core/errors.js';
import { configKeys, describeKey, envVarFor } from '../../../src/core/config/schema.js';
import { resolveConfig } from '../../../src/core/config/resolve.js';
import { updateUserConfig } from '../../../src/core/config/user-config.js';
import { updateProjectConfig } from '../../../src/core/config/project-config.js';
import { tempDir } from '../../helpers/cli.js';

describe('layered configuration', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const setup = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const homeDir = join(t.dir, 'home');
    const project = join(t.dir, 'repo');
    mkdirSync(homeDir, { mode: 0o700 });
    mkdirSync(join(project, '.circle'), { recursive: true });
    mkdirSync(join(project, 'src', 'deep'), { recursive: true });
    return { homeDir, project, cwd: join(project, 'src', 'deep') };
  };

  it('gives every key its default when nothing is set', async () => {
    const { homeDir, cwd } = setup();
    const resolved = await resolveConfig({ homeDir, cwd, env: {} });
    for (const key of configKeys) {
      expect(resolved.entries[key]).toMatchObject({ origin: 'default', value: describeKey(key).default });
    }
  });

  it('applies defaults < user < project < project env section < env vars < flags', async () => {
    const { homeDir, project, cwd } = setup();
    await updateUserConfig(homeDir, { 'auth.lockout.maxAttempts': 6, 'scan.failOn': 'moderate', 'auth.passwordMinLength': 14, 'scan.db.maxAgeDays': 3 });
    writeFileSync(
      join(project, '.circle', 'circle.yaml'),
      ['# team settings', 'scan:', '  failOn: high', '  db:', '    maxAgeDays: 9', 'auth.passwordMinLength: 16', 'environments:', '  production:', '    scan:', '      failOn: critical', ''].join('\n'),
    );
    const env = { [envVarFor('auth.passwordMinLength')]: '20', CIRCLE_ENV: 'production' };
    const resolved = await resolveConfig({ homeDir, cwd, env, flags: { 'scan.db.maxAgeDays': 1 } });
    expect(resolved.environment).toBe('production');
    expect(resolved.entries['auth.lockout.maxAttempts']).toMatchObject({ value: 6, origin: 'user' });
    expect(resolved.entries['scan.failOn']).toMatchObject({ value: 'critical', origin: 'project-env' });
    expect(resolved.entries['auth.passwordMinLength']).toMatchObject({ value: 20, origin: 'env', source: 'CIRCLE_AUTH_PASSWORD_MIN_LENGTH' });
    expect(resolved.entries['scan.db.maxAgeDays']).toMatchObject({ value: 1, origin: 'flag' });

    const staging = await resolveConfig({ homeDir, cwd, env: {}, environment: 'staging' });
    expect(staging.entries['scan.failOn']).toMatchObject({ value: 'high', origin: 'project' });
    expect(staging.entries['scan.db.maxAgeDays']).toMatchObject({ value: 9, origin: 'project' });
  });

  it('rejects unknown keys and wrong types with the key path', async () => {
    const { homeDir, project, cwd } = setup();
    const file = join(project, '.circle', 'circle.yaml');
    writeFileSync(file, 'auth:\n  lockout:\n    maxAttempt: 3\n');
    await expect(resolveConfig({ homeDir, cwd, env: {} })).rejects.toThrow(/auth\.lockout\.maxAttempt".*Did you mean|Unknown configuration key "auth\.lockout\.maxAttempt"/s);
    writeFileSync(file, 'auth:\n  lockout:\n    maxAttempts: many\n');
    const error = await resolveConfig({ homeDir, cwd, env: {} }).catch((e: unknown) => e);
    expect(isCircleError(error) && error.message).toMatch(/auth\.lockout\.maxAttempts/);
    expect(isCircleError(error) && error.exitCode).toBe(2);
    writeFileSync(file, '');
    await expect(resolveConfig({ homeDir, cwd, env: { CIRCLE_SCAN_FAIL_ON: 'severe' } })).rejects.toThrow(/CIRCLE_SCAN_FAIL_ON/);
  });

  it('writes project settings without losing comments', async () => {
    const { homeDir, project, cwd } = setup();
    const file = join(project, '.circle', 'circle.yaml');
    writeFileSync(file, '# keep me\nscan:\n  failOn: high # why: policy\n');
    await updateProjectConfig(project, 'scan.failOn', 'critical', 'production');
    await updateProjectConfig(project, 'auth.lockout.maxAttempts', 3);
    const text = (await import('node:fs')).readFileSync(file, 'utf8');
    expect(text).toContain('# keep me');
    expect(text).toContain('# why: policy');
    const resolved = await resolveConfig({ homeDir, cwd, env: {}, environment: 'production' });
    expect(resolved.values['scan.failOn']).toBe('critical');
    expect(resolved.values['auth.lockout.maxAttempts']).toBe(3);
  });

  it('maps every key to a distinct CIRCLE_* variable', () => {
    const names = configKeys.map(envVarFor);
    expect(new Set(names).size).toBe(names.length);
    expect(envVarFor('auth.lockout.maxAttempts')).toBe('CIRCLE_AUTH_LOCKOUT_MAX_ATTEMPTS');
  });
});
