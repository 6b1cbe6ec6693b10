import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { X25519Identity, generateX25519KeyPair } from '../../../src/core/age/x25519.js';
import type { AuditEvent } from '../../../src/core/audit/sink.js';
import { CircleError } from '../../../src/core/errors.js';
import {
  backendSecretReader,
  formatSecretReference,
  hasSecretReferences,
  parseSecretReference,
  projectBackend,
  resolveEnvironmentReferences,
  resolveSecretReferences,
  setProjectSecrets,
  type SecretReader,
} from '../../../src/core/secrets/index.js';

const table: Record<string, string> = { 'dev/DB_URL': 'postgres://dev', 'dev/API_KEY': 'k-dev', 'production/DB_URL': 'postgres://prod' };
function tableReader(calls: string[] = []): SecretReader {
  return async ({ env, name }) => {
    calls.push(`${env}/${name}`);
    const v = table[`${env}/${name}`];
    if (v === undefined) throw new CircleError('NOT_FOUND', `No secret ${name} in ${env}`);
    return v;
  };
}

describe('parseSecretReference', () => {
  it('reads secret://NAME and secret://ENV/NAME; other values are not references', () => {
    expect(parseSecretReference('secret://DB_URL')).toEqual({ env: undefined, name: 'DB_URL' });
    expect(parseSecretReference('secret://production/DB_URL')).toEqual({ env: 'production', name: 'DB_URL' });
    expect(parseSecretReference('postgres://x')).toBeUndefined();
    expect(parseSecretReference('see secret://DB_URL')).toBeUndefined();
    expect(parseSecretReference('')).toBeUndefined();
  });
  it.each(['secret://', 'secret://1ABC', 'secret://Prod/X', 'secret://a/b/C', 'secret://prod/', 'secret:// X', 'secret://X '])('rejects the malformed %j with exit 2', (text) => {
    expect(() => parseSecretReference(text, 'FOO')).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2, message: expect.stringContaining('in FOO') }));
  });
  it('format and parse are inverse (property)', () => {
    const env = fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/), { nil: undefined });
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/);
    fc.assert(fc.property(env, name, (e, n) => {
      expect(parseSecretReference(formatSecretReference({ env: e, name: n }))).toEqual({ env: e, name: n });
    }));
  });
});

describe('resolveSecretReferences', () => {
  it('replaces references anywhere in a config object, reading each secret once', async () => {
    const calls: string[] = [];
    const config = { db: { url: 'secret://DB_URL', pool: 5, replicas: ['secret://production/DB_URL', 'secret://DB_URL', 'plain'] }, flag: true, none: null };
    const { value, resolved } = await resolveSecretReferences(config, { defaultEnv: 'dev', read: tableReader(calls) });
    expect(value).toEqual({ db: { url: 'postgres://dev', pool: 5, replicas: ['postgres://prod', 'postgres://dev', 'plain'] }, flag: true, none: null });
    expect(config.db.url).toBe('secret://DB_URL');
    expect(calls.sort()).toEqual(['dev/DB_URL', 'production/DB_URL']);
    expect(resolved.map((r) => r.path)).toEqual(['db.url', 'db.replicas[0]', 'db.replicas[1]']);
    expect(JSON.stringify(resolved)).not.toContain('postgres://');
  });
  it('an unknown name is exit 4 naming the reference and where it was, never a value', async () => {
    const err = await resolveSecretReferences({ A: 'secret://DB_URL', B: 'secret://MISSING' }, { defaultEnv: 'dev', read: tableReader() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', exitCode: 4 });
    expect((err as Error).message).toContain('secret://MISSING');
    expect((err as Error).message).toContain('in B');
    expect((err as Error).message).not.toContain('postgres://dev');
  });
  it('other errors (a denied read) pass through unchanged', async () => {
    const read: SecretReader = async () => {
      throw new CircleError('PERMISSION_DENIED', 'no');
    };
    await expect(resolveSecretReferences(['secret://X'], { defaultEnv: 'dev', read })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
  it('a value without references is returned equal and nothing is read (property)', async () => {
    const calls: string[] = [];
    const safe = fc.string().filter((s) => !s.startsWith('secret://'));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.oneof(safe, fc.integer(), fc.array(safe))), async (obj) => {
        const { value, resolved } = await resolveSecretReferences(obj, { defaultEnv: 'dev', read: tableReader(calls) });
        expect(value).toEqual(obj);
        expect(resolved).toEqual([]);
      }),
    );
    expect(calls).toEqual([]);
  });
});

describe('environment references', () => {
  it('replaces only variables that are references', async () => {
    const env = { PATH: '/bin', DATABASE_URL: 'secret://DB_URL', KEY: 'secret://dev/API_KEY', EMPTY: undefined };
    expect(hasSecretReferences(env)).toBe(true);
    expect(hasSecretReferences({ PATH: '/bin' })).toBe(false);
    const { env: out, resolved } = await resolveEnvironmentReferences(env, { defaultEnv: 'dev', read: tableReader() });
    expect(out).toEqual({ PATH: '/bin', DATABASE_URL: 'postgres://dev', KEY: 'k-dev' });
    expect(resolved.map((r) => [r.path, r.reference])).toEqual([['DATABASE_URL', 'secret://DB_URL'], ['KEY', 'secret://dev/API_KEY']]);
  });
});

describe('backendSecretReader over project files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'circle-refs-'));
    mkdirSync(join(root, '.circle'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads through the backend (audited per secret) and opens each environment once', async () => {
    const me = new X25519Identity(generateX25519KeyPair().identity);
    const events: AuditEvent[] = [];
    const scope = (env: string) => ({ projectRoot: root, env, identities: [me], audit: { record: async (e: AuditEvent) => void events.push(e) } });
    await setProjectSecrets(scope('dev'), { DB_URL: 'dev-url' }, { createAs: 'me' });
    await setProjectSecrets(scope('production'), { DB_URL: 'prod-url' }, { createAs: 'me' });
    events.length = 0;
    const opened: string[] = [];
    const read = backendSecretReader(async (env) => {
      opened.push(env);
      return projectBackend(scope(env));
    });
    const { env } = await resolveEnvironmentReferences({ A: 'secret://DB_URL', B: 'secret://production/DB_URL', C: 'secret://dev/DB_URL' }, { defaultEnv: 'dev', read });
    expect(env).toEqual({ A: 'dev-url', B: 'prod-url', C: 'dev-url' });
    expect(opened).toEqual(['dev', 'production']);
    expect(events.filter((e) => e.action === 'secrets.read' && e.outcome === 'success')).toHaveLength(2);
    expect(JSON.stringify(events)).not.toContain('-url');
    await expect(resolveEnvironmentReferences({ X: 'secret://NOPE' }, { defaultEnv: 'dev', read })).rejects.toMatchObject({ exitCode: 4 });
    await expect(resolveEnvironmentReferences({ X: 'secret://staging/DB_URL' }, { defaultEnv: 'dev', read })).rejects.toMatchObject({ exitCode: 4, message: expect.stringContaining('secret://staging/DB_URL') });
  });
});
