import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { X25519Identity, generateX25519KeyPair, parseX25519Recipient, type X25519KeyPair } from '../age/x25519.js';
import type { AuditActor, AuditSink } from '../audit/sink.js';
import { discardAuditEvents } from '../audit/sink.js';
import { CircleError } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { localStateFile } from '../store/local.js';
import { keyEnvVar, maxSecretBytes, parseEnvName, parseRecipientLabel, parseSecretName } from './names.js';
import {
  deriveFileKeys,
  newFileKeys,
  openValue,
  recipientsDigest,
  recipientsMac,
  sealValue,
  unwrapFileKeyWith,
  verifyRecipientsMac,
  wrapFileKeyTo,
  type FileKeys,
} from './project-crypto.js';
import { PROJECT_SECRETS_FORMAT, PROJECT_SECRETS_VERSION, parseProjectSecrets, serializeProjectSecrets, type ProjectSecretsFile, type RecipientEntry, type SecretVersion } from './project-format.js';

/** How many versions of a secret the file keeps (the newest first). */
export const HISTORY_LIMIT = 20;

export interface ProjectScope {
  projectRoot: string;
  env: string;
  /** Tried in order; the first that is a recipient of the file opens it. */
  identities: X25519Identity[];
  audit?: AuditSink;
  /** Who acts, for the audit log; defaults to the recipient label whose key opened the file. */
  actor?: AuditActor;
  now?: () => Date;
  /**
   * Checked before any change. Set when the key came from the vault (a user's or
   * a machine token's identity), so the vault role applies: a `ci` token that is
   * a recipient may read but not write. (A raw key file can always write: the
   * file key is all the format needs.)
   */
  authorizeWrite?: () => Promise<void>;
}

export function projectSecretsDir(projectRoot: string): string {
  return join(projectRoot, '.circle', 'secrets');
}

export function projectSecretsPath(projectRoot: string, env: string): string {
  return join(projectSecretsDir(projectRoot), `${parseEnvName(env)}.json`);
}

interface Unlocked {
  file: ProjectSecretsFile;
  keys: FileKeys;
  digest: Buffer;
  /** The recipient label whose key opened the file. */
  label: string;
  path: string;
}

async function loadFile(path: string): Promise<ProjectSecretsFile | undefined> {
  const bytes = await readFileIfExists(path);
  return bytes === undefined ? undefined : parseProjectSecrets(bytes.toString('utf8'), path);
}

function unlock(scope: ProjectScope, file: ProjectSecretsFile, path: string): Unlocked {
  if (file.env !== scope.env) {
    throw new CircleError('INTEGRITY', `${path} claims environment "${file.env}", not "${scope.env}": it was renamed or copied`, { details: { file: path } });
  }
  for (const identity of scope.identities) {
    for (const [label, entry] of Object.entries(file.recipients)) {
      const fileKey = unwrapFileKeyWith(identity, entry);
      if (!fileKey) continue;
      const keys = deriveFileKeys(fileKey);
      const digest = recipientsDigest(file.env, file.recipients);
      verifyRecipientsMac(keys, digest, file.recipientsMac, path);
      return { file, keys, digest, label, path };
    }
  }
  if (scope.identities.length === 0) {
    throw new CircleError('AUTH_REQUIRED', `No key to open the ${scope.env} secrets`, {
      hint: `Set ${keyEnvVar(scope.env)} (CI), pass --identity FILE, or log in.`,
    });
  }
  throw new CircleError('PERMISSION_DENIED', `None of your keys is a recipient of the ${scope.env} secrets`, {
    hint: 'Ask a member to run `circle secrets recipients add` with your public key.',
    details: { file: path },
  });
}

async function openScope(scope: ProjectScope): Promise<Unlocked> {
  const path = projectSecretsPath(scope.projectRoot, scope.env);
  const file = await loadFile(path);
  if (!file) {
    throw new CircleError('NOT_FOUND', `No secrets for environment "${scope.env}" in this project (${path})`, { hint: 'Create them with `circle secrets set NAME`.' });
  }
  return unlock(scope, file, path);
}

function actorOf(scope: ProjectScope, label: string): AuditActor {
  return scope.actor ?? { type: 'user', id: label };
}

async function audited<T>(scope: ProjectScope, action: string, target: string, fn: () => Promise<{ result: T; label: string }>): Promise<T> {
  const audit = scope.audit ?? discardAuditEvents;
  try {
    const { result, label } = await fn();
    await audit.record({ action, outcome: 'success', actor: actorOf(scope, label), target });
    return result;
  } catch (error) {
    const outcome = error instanceof CircleError && error.exitCode === 3 ? 'denied' : 'failure';
    await audit.record({ action, outcome, actor: scope.actor ?? { type: 'system', id: 'unknown' }, target, details: { reason: error instanceof CircleError ? error.code : 'error' } }).catch(() => undefined);
    throw error;
  }
}

function target(scope: ProjectScope, name?: string): string {
  return name === undefined ? `secrets:project/${scope.env}` : `secret:project/${scope.env}/${name}`;
}

function now(scope: ProjectScope): string {
  return (scope.now ?? (() => new Date()))().toISOString();
}

/** Checks every value of the file, so tampering anywhere is reported (exit 5) before anything is used. */
function verifyAll(u: Unlocked): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [name, versions] of Object.entries(u.file.secrets)) {
    values.set(name, versions.map((v) => openValue(u.keys, u.file.env, name, v, u.digest, u.path)));
  }
  return values;
}

// ---------------------------------------------------------------- reads

export interface SecretValue {
  name: string;
  value: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export async function getProjectSecret(scope: ProjectScope, name: string, options: { version?: number } = {}): Promise<SecretValue> {
  parseSecretName(name);
  return audited(scope, 'secrets.read', target(scope, name), async () => {
    const u = await openScope(scope);
    const versions = u.file.secrets[name];
    if (!versions) throw new CircleError('NOT_FOUND', `No secret ${name} in ${scope.env}`, { details: { name, env: scope.env } });
    const v = options.version === undefined ? versions[0]! : versions.find((x) => x.v === options.version);
    if (!v) throw new CircleError('NOT_FOUND', `Secret ${name} has no version ${options.version} (kept: ${versions.map((x) => x.v).join(', ')})`);
    const value = openValue(u.keys, u.file.env, name, v, u.digest, u.path);
    return { label: u.label, result: { name, value, version: v.v, updatedAt: v.at, updatedBy: v.by } };
  });
}

/** Every current value (or those in `only`), for injection and export. */
export async function readProjectSecrets(scope: ProjectScope, options: { only?: string[] } = {}): Promise<Record<string, string>> {
  return audited(scope, 'secrets.read', target(scope), async () => {
    const u = await openScope(scope);
    const all = verifyAll(u);
    const out: Record<string, string> = {};
    for (const name of options.only ?? [...all.keys()].sort()) {
      const values = all.get(name);
      if (!values) throw new CircleError('NOT_FOUND', `No secret ${name} in ${scope.env}`, { details: { name, env: scope.env } });
      out[name] = values[0]!;
    }
    return { label: u.label, result: out };
  });
}

export interface SecretListing {
  name: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  versions: number;
}

export async function listProjectSecrets(scope: ProjectScope): Promise<SecretListing[]> {
  return audited(scope, 'secrets.list', target(scope), async () => {
    const u = await openScope(scope);
    verifyAll(u);
    const result = Object.entries(u.file.secrets)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, versions]) => ({ name, version: versions[0]!.v, updatedAt: versions[0]!.at, updatedBy: versions[0]!.by, versions: versions.length }));
    return { label: u.label, result };
  });
}

export interface SecretHistoryEntry {
  version: number;
  at: string;
  by: string;
  current: boolean;
}

export async function projectSecretHistory(scope: ProjectScope, name: string): Promise<SecretHistoryEntry[]> {
  parseSecretName(name);
  return audited(scope, 'secrets.history', target(scope, name), async () => {
    const u = await openScope(scope);
    const versions = u.file.secrets[name];
    if (!versions) throw new CircleError('NOT_FOUND', `No secret ${name} in ${scope.env}`);
    for (const v of versions) openValue(u.keys, u.file.env, name, v, u.digest, u.path);
    return { label: u.label, result: versions.map((v, i) => ({ version: v.v, at: v.at, by: v.by, current: i === 0 })) };
  });
}

export interface RecipientListing {
  label: string;
  key: string;
  kind: RecipientEntry['kind'];
  added: string;
}

export async function listProjectRecipients(scope: ProjectScope): Promise<RecipientListing[]> {
  return audited(scope, 'secrets.recipients.list', target(scope), async () => {
    const u = await openScope(scope);
    const result = Object.entries(u.file.recipients)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([label, r]) => ({ label, key: r.key, kind: r.kind, added: r.added }));
    return { label: u.label, result };
  });
}

// ---------------------------------------------------------------- writes

/**
 * Locked read-modify-write of the environment file. `change` returns the new
 * file or undefined for no change. A crash at any point leaves the old or the new
 * file whole (atomic rename), so an acknowledged write is never lost.
 */
async function mutate<T>(scope: ProjectScope, change: (u: Unlocked) => { file?: ProjectSecretsFile; result: T }, create?: { label: string }): Promise<{ result: T; label: string }> {
  await scope.authorizeWrite?.();
  const path = projectSecretsPath(scope.projectRoot, scope.env);
  await mkdir(projectSecretsDir(scope.projectRoot), { recursive: true });
  const { store, key } = localStateFile(path);
  return store.update(
    key,
    async () => {
      const existing = await loadFile(path);
      let u: Unlocked;
      if (existing) u = unlock(scope, existing, path);
      else if (create) u = createFile(scope, create.label, path);
      else throw new CircleError('NOT_FOUND', `No secrets for environment "${scope.env}" in this project (${path})`, { hint: 'Create them with `circle secrets set NAME`.' });
      verifyAll(u);
      const { file, result } = change(u);
      return { ...(file ? { bytes: serializeProjectSecrets(file) } : {}), result: { result, label: u.label } };
    },
    // Project files are shared through git, not private state.
    { mode: 0o644 },
  );
}

function createFile(scope: ProjectScope, label: string, path: string): Unlocked {
  const identity = scope.identities[0];
  if (!identity) throw new CircleError('AUTH_REQUIRED', 'A key is needed to create the secrets of this environment', { hint: 'Pass --identity FILE or log in.' });
  parseRecipientLabel(label);
  const keys = newFileKeys();
  const recipients: ProjectSecretsFile['recipients'] = {
    [label]: { key: identity.recipient, kind: 'member', wrap: wrapFileKeyTo(identity.recipient, keys.fileKey), added: now(scope) },
  };
  const digest = recipientsDigest(scope.env, recipients);
  const file: ProjectSecretsFile = {
    format: PROJECT_SECRETS_FORMAT,
    version: PROJECT_SECRETS_VERSION,
    env: scope.env,
    recipients,
    recipientsMac: recipientsMac(keys, digest),
    secrets: {},
  };
  return { file, keys, digest, label, path };
}

function checkValue(value: string): void {
  if (Buffer.byteLength(value, 'utf8') > maxSecretBytes) throw new CircleError('USAGE', 'Secret values are limited to 1 MiB; encrypt larger files with `circle encrypt`');
}

function withNewVersion(u: Unlocked, name: string, value: string, at: string): { secrets: ProjectSecretsFile['secrets']; version: number } {
  const old = u.file.secrets[name] ?? [];
  const v = (old[0]?.v ?? 0) + 1;
  const sealed = sealValue(u.keys, u.file.env, name, { v, at, by: u.label }, u.digest, value);
  return { secrets: { ...u.file.secrets, [name]: [sealed, ...old].slice(0, HISTORY_LIMIT) }, version: v };
}

export interface SecretWriteResult {
  name: string;
  version: number;
  env: string;
  created: boolean;
}

export interface WriteOptions {
  /** Label for the writer when this creates the environment file. */
  createAs?: string;
}

export async function setProjectSecret(scope: ProjectScope, name: string, value: string, options: WriteOptions = {}): Promise<SecretWriteResult> {
  parseSecretName(name);
  checkValue(value);
  return audited(scope, 'secrets.write', target(scope, name), () =>
    mutate(
      scope,
      (u) => {
        const { secrets, version } = withNewVersion(u, name, value, now(scope));
        return { file: { ...u.file, secrets }, result: { name, version, env: scope.env, created: version === 1 } };
      },
      options.createAs === undefined ? undefined : { label: options.createAs },
    ),
  );
}

/** Sets several secrets in one locked write (dotenv import). */
export async function setProjectSecrets(scope: ProjectScope, values: Record<string, string>, options: WriteOptions = {}): Promise<SecretWriteResult[]> {
  for (const [name, value] of Object.entries(values)) {
    parseSecretName(name);
    checkValue(value);
  }
  return audited(scope, 'secrets.import', target(scope), () =>
    mutate(
      scope,
      (u) => {
        const at = now(scope);
        let file = u.file;
        const results: SecretWriteResult[] = [];
        for (const [name, value] of Object.entries(values)) {
          const { secrets, version } = withNewVersion({ ...u, file }, name, value, at);
          file = { ...file, secrets };
          results.push({ name, version, env: scope.env, created: version === 1 });
        }
        return { file, result: results };
      },
      options.createAs === undefined ? undefined : { label: options.createAs },
    ),
  );
}

export async function removeProjectSecret(scope: ProjectScope, name: string): Promise<{ name: string; env: string }> {
  parseSecretName(name);
  return audited(scope, 'secrets.delete', target(scope, name), () =>
    mutate(scope, (u) => {
      if (!u.file.secrets[name]) throw new CircleError('NOT_FOUND', `No secret ${name} in ${scope.env}`);
      const secrets = { ...u.file.secrets };
      delete secrets[name];
      return { file: { ...u.file, secrets }, result: { name, env: scope.env } };
    }),
  );
}

/** Makes version `to` current again as a new version; history keeps everything in between. */
export async function rollbackProjectSecret(scope: ProjectScope, name: string, to: number): Promise<SecretWriteResult> {
  parseSecretName(name);
  return audited(scope, 'secrets.rollback', target(scope, name), () =>
    mutate(scope, (u) => {
      const versions = u.file.secrets[name];
      if (!versions) throw new CircleError('NOT_FOUND', `No secret ${name} in ${scope.env}`);
      const old = versions.find((v) => v.v === to);
      if (!old) throw new CircleError('NOT_FOUND', `Secret ${name} has no version ${to} (kept: ${versions.map((x) => x.v).join(', ')})`);
      const value = openValue(u.keys, u.file.env, name, old, u.digest, u.path);
      const { secrets, version } = withNewVersion(u, name, value, now(scope));
      return { file: { ...u.file, secrets }, result: { name, version, env: scope.env, created: false } };
    }),
  );
}

/**
 * Rebuilds the file for a new recipient list: every version is re-sealed so its
 * AAD binds the new list; with `rekey` a fresh file key is drawn first, so a
 * removed recipient's old wrap opens nothing current.
 */
function reseal(u: Unlocked, recipients: Record<string, Omit<RecipientEntry, 'wrap'>>, rekey: boolean): ProjectSecretsFile {
  const keys = rekey ? newFileKeys() : u.keys;
  const wrapped: ProjectSecretsFile['recipients'] = {};
  for (const [label, r] of Object.entries(recipients)) wrapped[label] = { ...r, wrap: wrapFileKeyTo(r.key, keys.fileKey) };
  const digest = recipientsDigest(u.file.env, wrapped);
  const secrets: ProjectSecretsFile['secrets'] = {};
  for (const [name, versions] of Object.entries(u.file.secrets)) {
    secrets[name] = versions.map((v) => sealValue(keys, u.file.env, name, v, digest, openValue(u.keys, u.file.env, name, v, u.digest, u.path)));
  }
  return { ...u.file, recipients: wrapped, recipientsMac: recipientsMac(keys, digest), secrets };
}

function currentRecipients(u: Unlocked): Record<string, Omit<RecipientEntry, 'wrap'>> {
  return Object.fromEntries(Object.entries(u.file.recipients).map(([label, { wrap: _wrap, ...rest }]) => [label, rest]));
}

export interface RecipientChangeResult {
  env: string;
  label: string;
  recipients: number;
  rekeyed: boolean;
}

export async function addProjectRecipient(scope: ProjectScope, label: string, recipient: string, kind: RecipientEntry['kind'] = 'member'): Promise<RecipientChangeResult> {
  parseRecipientLabel(label);
  parseX25519Recipient(recipient);
  return audited(scope, 'secrets.recipients.add', `${target(scope)}#${label}`, () =>
    mutate(scope, (u) => {
      if (u.file.recipients[label]) throw new CircleError('ALREADY_EXISTS', `Recipient ${label} already exists in ${scope.env}`, { hint: 'Remove it first to replace its key.' });
      const dup = Object.entries(u.file.recipients).find(([, r]) => r.key === recipient);
      if (dup) throw new CircleError('ALREADY_EXISTS', `That key is already a recipient (as ${dup[0]})`);
      const recipients = { ...currentRecipients(u), [label]: { key: recipient, kind, added: now(scope) } };
      const file = reseal(u, recipients, false);
      return { file, result: { env: scope.env, label, recipients: Object.keys(recipients).length, rekeyed: false } };
    }),
  );
}

export async function removeProjectRecipient(scope: ProjectScope, label: string): Promise<RecipientChangeResult> {
  parseRecipientLabel(label);
  return audited(scope, 'secrets.recipients.remove', `${target(scope)}#${label}`, () =>
    mutate(scope, (u) => {
      if (!u.file.recipients[label]) throw new CircleError('NOT_FOUND', `No recipient ${label} in ${scope.env}`);
      const recipients = currentRecipients(u);
      delete recipients[label];
      if (Object.keys(recipients).length === 0) throw new CircleError('USAGE', 'Refusing to remove the last recipient: nobody could read the secrets any more');
      const file = reseal(u, recipients, true);
      return { file, result: { env: scope.env, label, recipients: Object.keys(recipients).length, rekeyed: true } };
    }),
  );
}

export interface CiKeyResult extends RecipientChangeResult {
  /** The private key, shown once: store it as `envVar` in the CI's secret store. */
  identity: string;
  recipient: string;
  envVar: string;
}

export async function createProjectCiKey(scope: ProjectScope, label = `ci-${scope.env}`): Promise<CiKeyResult> {
  const pair: X25519KeyPair = generateX25519KeyPair();
  const change = await addProjectRecipient(scope, label, pair.recipient, 'ci');
  return { ...change, identity: pair.identity, recipient: pair.recipient, envVar: keyEnvVar(scope.env) };
}

/** New file key, every value re-sealed: `circle keys rotate` for a project environment. */
export async function rekeyProjectSecrets(scope: ProjectScope): Promise<RecipientChangeResult> {
  return audited(scope, 'secrets.rekey', target(scope), () =>
    mutate(scope, (u) => {
      const file = reseal(u, currentRecipients(u), true);
      return { file, result: { env: scope.env, label: u.label, recipients: Object.keys(file.recipients).length, rekeyed: true } };
    }),
  );
}
