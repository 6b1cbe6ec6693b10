import { z } from 'zod';
import { CircleError } from '../errors.js';
import { envNameSchema, recipientLabelSchema, secretNameSchema } from './names.js';

/**
 * `.circle/secrets/<env>.json`: names in clear, values sealed. The layout puts
 * each recipient and each secret (with its history) on one line, sorted by
 * name, so a git merge of changes to different names merges line by line and
 * the result still verifies: every entry is authenticated on its own.
 */
export const PROJECT_SECRETS_FORMAT = 'circle.project-secrets';
export const PROJECT_SECRETS_VERSION = 1;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const recipientEntrySchema = z.strictObject({
  /** age1… X25519 public key. */
  key: z.string().startsWith('age1'),
  kind: z.enum(['member', 'ci']),
  /** The file key wrapped to `key`: `<ephemeral share>.<wrapped key>`, base64. */
  wrap: z.string().regex(/^[A-Za-z0-9+/]+={0,2}\.[A-Za-z0-9+/]+={0,2}$/),
  added: z.string(),
});

export const secretVersionSchema = z.strictObject({
  v: z.number().int().min(1),
  at: z.string(),
  by: z.string(),
  iv: b64,
  ct: b64,
});

export const projectSecretsSchema = z.strictObject({
  format: z.literal(PROJECT_SECRETS_FORMAT),
  version: z.literal(PROJECT_SECRETS_VERSION),
  env: envNameSchema,
  recipients: z.record(recipientLabelSchema, recipientEntrySchema),
  /** HMAC over the recipient list under a key derived from the file key. */
  recipientsMac: b64,
  /** Newest version first. */
  secrets: z.record(secretNameSchema, z.array(secretVersionSchema).min(1)),
});

export type RecipientEntry = z.infer<typeof recipientEntrySchema>;
export type SecretVersion = z.infer<typeof secretVersionSchema>;
export type ProjectSecretsFile = z.infer<typeof projectSecretsSchema>;

function oneLinePerKey(record: Record<string, unknown>, indent: string): string {
  const names = Object.keys(record).sort();
  if (names.length === 0) return '{}';
  return `{\n${names.map((n) => `${indent}  ${JSON.stringify(n)}: ${JSON.stringify(record[n])}`).join(',\n')}\n${indent}}`;
}

export function serializeProjectSecrets(file: ProjectSecretsFile): string {
  return (
    `{\n` +
    `  "format": ${JSON.stringify(file.format)},\n` +
    `  "version": ${file.version},\n` +
    `  "env": ${JSON.stringify(file.env)},\n` +
    `  "recipients": ${oneLinePerKey(file.recipients, '  ')},\n` +
    `  "recipientsMac": ${JSON.stringify(file.recipientsMac)},\n` +
    `  "secrets": ${oneLinePerKey(file.secrets, '  ')}\n` +
    `}\n`
  );
}

export function parseProjectSecrets(text: string, path: string): ProjectSecretsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not valid JSON (${(error as Error).message}); if a git merge left conflict markers, resolve them first`);
  }
  if (typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'number' && raw.version > PROJECT_SECRETS_VERSION) {
    throw new CircleError('STATE_TOO_NEW', `${path} was written by a newer circle (format version ${raw.version})`, { hint: 'Upgrade circle-core.' });
  }
  const r = projectSecretsSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw corrupt(path, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

function corrupt(path: string, why: string): CircleError {
  return new CircleError('STATE_CORRUPT', `${path} is corrupt: ${why}`, { hint: 'Restore it from git (git checkout -- <file>); nothing was changed.', details: { file: path } });
}
