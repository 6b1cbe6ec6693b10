import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT_POLICY } from '../../../src/core/auth/lockout.js';
import { DEFAULT_PASSWORD_POLICY } from '../../../src/core/auth/password-policy.js';
import { DEFAULT_SESSION_POLICY } from '../../../src/core/auth/session.js';
import { resolveWatchRules } from '../../../src/core/audit/watch.js';
import { auditSettingsFromConfig } from '../../../src/core/audit/settings.js';
import { configKeys, configSchema, describeKey, envVarFor } from '../../../src/core/config/schema.js';
import { configSections, DEFAULT_POLICIES, policiesFromConfig } from '../../../src/core/config/sections/index.js';
import { createCircle } from '../../../src/core/context/index.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../../src/core/home/lock.js';
import { DEFAULT_MAX_FILE_SIZE, scanSecrets } from '../../../src/core/scan/secrets/scanner.js';

const tmp = mkdtempSync(join(tmpdir(), 'circle-sections-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('config sections and policies', () => {
  it('the merged schema is the sections, in their order', () => {
    expect(configKeys).toEqual(Object.keys(configSections));
    expect(configKeys[0]).toBe('defaultEnv');
  });

  it('every key is read by some policy', () => {
    const read = new Set<string>();
    const defaults = configSchema.parse({});
    const tracked = new Proxy(defaults, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    policiesFromConfig(tracked);
    expect(configKeys.filter((k) => !read.has(k))).toEqual([]);
  });

  it('each key changes its policy (no key is read and then ignored)', () => {
    const defaults = configSchema.parse({});
    const base = JSON.stringify(policiesFromConfig(defaults));
    for (const key of configKeys) {
      const info = describeKey(key);
      const other = info.kind === 'enum' ? info.choices!.find((c) => c !== info.default)! : info.kind === 'number' ? (info.default as number) + 4096 : 'staging';
      expect(JSON.stringify(policiesFromConfig({ ...defaults, [key]: other })), key).not.toBe(base);
    }
  });

  it('library defaults are the schema defaults', () => {
    expect(DEFAULT_LOCKOUT_POLICY).toEqual({ maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 });
    expect(DEFAULT_PASSWORD_POLICY).toEqual({ minLength: 12, maxLength: 1024 });
    expect(DEFAULT_SESSION_POLICY).toEqual({ idleMs: 15 * 60_000, absoluteMs: 12 * 3_600_000 });
    expect(DEFAULT_POLICIES.lock.timeoutMs).toBe(DEFAULT_LOCK_TIMEOUT_MS);
    expect(DEFAULT_MAX_FILE_SIZE).toBe(2 * 1024 * 1024);
    expect(DEFAULT_POLICIES.audit.watchRules).toEqual(resolveWatchRules({}));
  });

  it('the audit policy matches the older auditSettingsFromConfig mapping', () => {
    const values = { ...configSchema.parse({}), 'audit.retentionDays': 3, 'audit.rules.secretReads.threshold': 7 };
    expect(policiesFromConfig(values).audit).toEqual(auditSettingsFromConfig(values));
  });

  it('a Circle exposes the policies of its resolved settings', async () => {
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    const circle = createCircle({ home, cwd: tmp, env: { [envVarFor('scan.secrets.maxFileSizeKiB')]: '1', [envVarFor('auth.lockout.windowMinutes')]: '2' } });
    const policies = await circle.policies();
    expect(policies.scan.secrets.maxFileSizeBytes).toBe(1024);
    expect(policies.auth.lockout).toEqual({ maxFailures: 5, windowMs: 120_000, lockoutMs: 120_000 });
  });
});

describe('scan.secrets.maxFileSizeKiB', () => {
  const root = join(tmp, 'scan');
  mkdirSync(root, { recursive: true });
  const key = ['AK', 'IA', 'Q7W2E4R6T3Y5U7I2'].join('');
  writeFileSync(join(root, 'big.txt'), `${key}\n${'x'.repeat(5000)}`);

  it('caps the file size when no flag or project file sets one', async () => {
    const capped = await scanSecrets({ root, source: 'tree', defaultMaxFileSize: 1024 });
    expect(capped.stats).toMatchObject({ files: 0, skippedLarge: 1 });
    const uncapped = await scanSecrets({ root, source: 'tree' });
    expect(uncapped.findings).toHaveLength(1);
  });

  it('yields to --max-file-size and to the project scan file', async () => {
    expect((await scanSecrets({ root, source: 'tree', defaultMaxFileSize: 1024, maxFileSize: 100_000 })).findings).toHaveLength(1);
    const config = { version: 1 as const, disable: [], rules: [], allowlist: { paths: [], patterns: [] }, maxFileSize: 100_000 };
    expect((await scanSecrets({ root, source: 'tree', defaultMaxFileSize: 1024, config })).findings).toHaveLength(1);
  });
});
