import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CircleError, errnoCode } from '../errors.js';
import { readDocument, updateDocument, type DocumentKind } from '../home/document.js';
import { ensurePrivateDir } from '../home/paths.js';
import type { VaultContext } from '../vault/context.js';
import { openRecord, resealRecord, sealRecord, type RecordStore } from '../vault/envelope.js';
import { sealedRecordSchema } from '../vault/schema.js';
import { maxSecretBytes, parseEnvName, parseSecretName } from './names.js';
import type { SecretHistoryEntry, SecretListing, SecretValue, SecretWriteResult } from './project-store.js';
import { HISTORY_LIMIT } from './project-store.js';

/**
 * The personal scope: `<home>/secrets/<env>.json`, each version of each secret
 * envelope-encrypted by the vault (its own data key, wrapped by the keyring;
 * AAD names vault, `secret`, `<env>/<name>` and the version). The sealed
 * plaintext also carries when and by whom it was written, so editing that
 * metadata in the file is detected (exit 5).
 */
const versionSchema = z.strictObject({ v: z.number().int().min(1), at: z.string(), by: z.string(), record: sealedRecordSchema });
const personalSchema = z.strictObject({ env: z.string(), secrets: z.record(z.string(), z.array(versionSchema).min(1)) });
type PersonalFile = z.infer<typeof personalSchema>;
type PersonalVersion = z.infer<typeof versionSchema>;

export const personalSecretsDocument: DocumentKind<PersonalFile> = { format: 'circle.personal-secrets', version: 1, schema: personalSchema };

export function personalSecretsPath(home: string, env: string): string {
  return join(home, 'secrets', `${parseEnvName(env)}.json`);
}

const ref = (env: string, name: string, v: number) => ({ kind: 'secret', id: `${env}/${name}`, version: v });
const target = (env: string, name?: string) => (name === undefined ? `secrets:personal/${env}` : `secret:personal/${env}/${name}`);
const sealedPayload = z.strictObject({ value: z.string(), at: z.string(), by: z.string() });

async function seal(ctx: VaultContext, env: string, name: string, v: number, value: string, at: string): Promise<PersonalVersion> {
  const by = ctx.actor.id;
  return { v, at, by, record: sealRecord(ctx, ref(env, name, v), Buffer.from(JSON.stringify({ value, at, by }))) };
}

async function open(ctx: VaultContext, env: string, name: string, version: PersonalVersion): Promise<string> {
  const plain = await openRecord(ctx, ref(env, name, version.v), version.record);
  const parsed = sealedPayload.safeParse(JSON.parse(plain.toString('utf8')));
  if (!parsed.success || parsed.data.at !== version.at || parsed.data.by !== version.by) {
    throw new CircleError('INTEGRITY', `Secret ${name} (version ${version.v}) in ${env}: its metadata was edited`, { hint: 'Restore the file from a backup.' });
  }
  return parsed.data.value;
}

async function audited<T>(ctx: VaultContext, permission: 'secrets.read' | 'secrets.write', action: string, tgt: string, fn: () => Promise<T>): Promise<T> {
  await ctx.require(permission, tgt);
  try {
    const result = await fn();
    await ctx.record({ action, outcome: 'success', target: tgt });
    return result;
  } catch (error) {
    await ctx.record({ action, outcome: 'failure', target: tgt, details: { reason: error instanceof CircleError ? error.code : 'error' } }).catch(() => undefined);
    throw error;
  }
}

/** The environment's file read as `kind`, refused when it claims another environment. */
async function readEnvFile<T extends { env: string }>(ctx: VaultContext, env: string, kind: DocumentKind<T>): Promise<T | undefined> {
  const path = personalSecretsPath(ctx.home, env);
  const file = await readDocument(kind, path);
  if (file && file.env !== env) throw new CircleError('INTEGRITY', `${path} claims environment "${file.env}"`);
  return file;
}

async function load(ctx: VaultContext, env: string): Promise<PersonalFile> {
  return (await readEnvFile(ctx, env, personalSecretsDocument)) ?? { env, secrets: {} };
}

/**
 * The file as a read of one secret sees it: that secret's versions validated
 * in full, every other secret only as a non-empty list (writes, `list` and
 * `run` still validate the whole file). Validating every record of a
 * 1,000-secret file was ~45 ms of a ~370 ms `circle secrets get`: zod's first
 * parse in a fresh process.
 */
async function loadOne(ctx: VaultContext, env: string, name: string): Promise<PersonalVersion[] | undefined> {
  const kind: DocumentKind<{ env: string; secrets: Record<string, unknown[] | undefined> }> = {
    format: personalSecretsDocument.format,
    version: personalSecretsDocument.version,
    schema: z.strictObject({
      env: z.string(),
      secrets: z.object({ [name]: z.array(versionSchema).min(1).optional() }).catchall(z.array(z.unknown()).min(1)),
    }),
  };
  const file = await readEnvFile(ctx, env, kind);
  // Own entries only: parseSecretName has refused the names every object inherits.
  return file?.secrets[name] as PersonalVersion[] | undefined;
}

function notFound(env: string, name: string): CircleError {
  return new CircleError('NOT_FOUND', `No secret ${name} in your ${env} secrets`, { details: { name, env } });
}

export async function getPersonalSecret(ctx: VaultContext, env: string, name: string, options: { version?: number } = {}): Promise<SecretValue> {
  parseSecretName(name);
  return audited(ctx, 'secrets.read', 'secrets.read', target(env, name), async () => {
    const versions = await loadOne(ctx, env, name);
    if (!versions) throw notFound(env, name);
    const v = options.version === undefined ? versions[0]! : versions.find((x) => x.v === options.version);
    if (!v) throw new CircleError('NOT_FOUND', `Secret ${name} has no version ${options.version}`);
    return { name, value: await open(ctx, env, name, v), version: v.v, updatedAt: v.at, updatedBy: v.by };
  });
}

export async function readPersonalSecrets(ctx: VaultContext, env: string, options: { only?: string[] } = {}): Promise<Record<string, string>> {
  return audited(ctx, 'secrets.read', 'secrets.read', target(env), async () => {
    const file = await load(ctx, env);
    const out: Record<string, string> = {};
    for (const name of options.only ?? Object.keys(file.secrets).sort()) {
      const versions = file.secrets[name];
      if (!versions) throw notFound(env, name);
      out[name] = await open(ctx, env, name, versions[0]!);
    }
    return out;
  });
}

export async function listPersonalSecrets(ctx: VaultContext, env: string): Promise<SecretListing[]> {
  return audited(ctx, 'secrets.read', 'secrets.list', target(env), async () => {
    const file = await load(ctx, env);
    const out: SecretListing[] = [];
    for (const name of Object.keys(file.secrets).sort()) {
      const versions = file.secrets[name]!;
      await open(ctx, env, name, versions[0]!);
      out.push({ name, version: versions[0]!.v, updatedAt: versions[0]!.at, updatedBy: versions[0]!.by, versions: versions.length });
    }
    return out;
  });
}

export async function personalSecretHistory(ctx: VaultContext, env: string, name: string): Promise<SecretHistoryEntry[]> {
  parseSecretName(name);
  return audited(ctx, 'secrets.read', 'secrets.history', target(env, name), async () => {
    const versions = await loadOne(ctx, env, name);
    if (!versions) throw notFound(env, name);
    for (const v of versions) await open(ctx, env, name, v);
    return versions.map((v, i) => ({ version: v.v, at: v.at, by: v.by, current: i === 0 }));
  });
}

async function mutate<T>(ctx: VaultContext, env: string, change: (file: PersonalFile) => Promise<{ file?: PersonalFile; result: T }>): Promise<T> {
  await ensurePrivateDir(join(ctx.home, 'secrets'));
  let result: T | undefined;
  await updateDocument(personalSecretsDocument, personalSecretsPath(ctx.home, env), async (current) => {
    const out = await change(current ?? { env, secrets: {} });
    result = out.result;
    return out.file;
  });
  return result as T;
}

function checkValue(value: string): void {
  if (Buffer.byteLength(value, 'utf8') > maxSecretBytes) throw new CircleError('USAGE', 'Secret values are limited to 1 MiB; encrypt larger files with `circle encrypt`');
}

async function addVersion(ctx: VaultContext, file: PersonalFile, name: string, value: string, at: string): Promise<{ file: PersonalFile; version: number }> {
  const old = file.secrets[name] ?? [];
  const v = (old[0]?.v ?? 0) + 1;
  const sealed = await seal(ctx, file.env, name, v, value, at);
  return { file: { ...file, secrets: { ...file.secrets, [name]: [sealed, ...old].slice(0, HISTORY_LIMIT) } }, version: v };
}

export async function setPersonalSecrets(ctx: VaultContext, env: string, values: Record<string, string>): Promise<SecretWriteResult[]> {
  for (const [name, value] of Object.entries(values)) {
    parseSecretName(name);
    checkValue(value);
  }
  const names = Object.keys(values);
  return audited(ctx, 'secrets.write', names.length === 1 ? 'secrets.write' : 'secrets.import', names.length === 1 ? target(env, names[0]) : target(env), () =>
    mutate(ctx, env, async (file) => {
      const at = new Date().toISOString();
      const results: SecretWriteResult[] = [];
      for (const [name, value] of Object.entries(values)) {
        const next = await addVersion(ctx, file, name, value, at);
        file = next.file;
        results.push({ name, version: next.version, env, created: next.version === 1 });
      }
      return { file, result: results };
    }),
  );
}

export async function setPersonalSecret(ctx: VaultContext, env: string, name: string, value: string): Promise<SecretWriteResult> {
  return (await setPersonalSecrets(ctx, env, { [name]: value }))[0]!;
}

export async function removePersonalSecret(ctx: VaultContext, env: string, name: string): Promise<{ name: string; env: string }> {
  parseSecretName(name);
  return audited(ctx, 'secrets.write', 'secrets.delete', target(env, name), () =>
    mutate(ctx, env, async (file) => {
      if (!file.secrets[name]) throw notFound(env, name);
      const secrets = { ...file.secrets };
      delete secrets[name];
      return { file: { ...file, secrets }, result: { name, env } };
    }),
  );
}

export async function rollbackPersonalSecret(ctx: VaultContext, env: string, name: string, to: number): Promise<SecretWriteResult> {
  parseSecretName(name);
  return audited(ctx, 'secrets.write', 'secrets.rollback', target(env, name), () =>
    mutate(ctx, env, async (file) => {
      const versions = file.secrets[name];
      if (!versions) throw notFound(env, name);
      const old = versions.find((v) => v.v === to);
      if (!old) throw new CircleError('NOT_FOUND', `Secret ${name} has no version ${to}`);
      const next = await addVersion(ctx, file, name, await open(ctx, env, name, old), new Date().toISOString());
      return { file: next.file, result: { name, version: next.version, env, created: false } };
    }),
  );
}

/** For `circle keys rotate --reencrypt`: re-seals every personal secret under the active keyring key. */
export const personalSecretsRecordStore: RecordStore = {
  name: 'personal-secrets',
  async reencryptAll(ctx: VaultContext): Promise<number> {
    let files: string[];
    try {
      files = (await readdir(join(ctx.home, 'secrets'))).filter((f) => f.endsWith('.json'));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 0;
      throw error;
    }
    let count = 0;
    for (const f of files) {
      const env = f.slice(0, -'.json'.length);
      await updateDocument(personalSecretsDocument, personalSecretsPath(ctx.home, env), async (file) => {
        if (!file) return undefined;
        const secrets: PersonalFile['secrets'] = {};
        for (const [name, versions] of Object.entries(file.secrets)) {
          secrets[name] = [];
          for (const v of versions) {
            secrets[name].push({ ...v, record: await resealRecord(ctx, ref(env, name, v.v), v.record) });
            count++;
          }
        }
        return { ...file, secrets };
      });
    }
    return count;
  },
};
