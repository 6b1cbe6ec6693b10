import { z } from 'zod';

/**
 * Every configuration key, its type, default and meaning: the one schema that
 * get/set/list/validate, the environment-variable mapping and the other topics
 * all read. Keys are dotted paths; files may nest them (`auth: { lockout: … }`).
 */
export const configSchema = z.strictObject({
  'defaultEnv': z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _')
    .default('development')
    .describe('Environment used when --env and CIRCLE_ENV are not given.'),
  'lock.timeoutMs': z.number().int().min(0).max(600_000).default(15_000).describe('How long to wait for another circle process before failing (exit 6).'),

  'auth.passwordMinLength': z.number().int().min(8).max(1024).default(12).describe('Minimum password length.'),
  'auth.passwordMaxAgeDays': z.number().int().min(0).default(0).describe('Force a password change after this many days; 0 = never (NIST SP 800-63B advises against forced changes).'),
  'auth.lockout.maxAttempts': z.number().int().min(1).max(1000).default(5).describe('Failed logins within the window that lock an account.'),
  'auth.lockout.windowMinutes': z.number().int().min(1).default(15).describe('Window for counting failed logins, and how long a lockout lasts.'),
  'auth.session.idleMinutes': z.number().int().min(1).default(15).describe('A session expires after this long unused.'),
  'auth.session.absoluteHours': z.number().int().min(1).default(12).describe('A session expires this long after login, however used.'),
  'auth.token.defaultExpiryDays': z.number().int().min(1).default(30).describe('Expiry of machine tokens created without --expires.'),

  'secrets.generate.length': z.number().int().min(8).max(4096).default(32).describe('Length of values made by `secrets rotate --generate`.'),
  'secrets.generate.alphabet': z
    .enum(['alphanumeric', 'hex', 'base64url', 'printable'])
    .default('alphanumeric')
    .describe('Characters used by `secrets rotate --generate`.'),

  'audit.segmentMaxBytes': z.number().int().min(4096).default(64 * 1024 * 1024).describe('Start a new audit log segment past this size.'),
  'audit.retentionDays': z.number().int().min(0).default(0).describe('Prune audit segments older than this (their tree state is kept); 0 = keep forever.'),
  'audit.rules.failedLogins.threshold': z.number().int().min(1).default(5).describe('Alert after this many failed logins for one user within the window.'),
  'audit.rules.failedLogins.windowMinutes': z.number().int().min(1).default(15).describe('Window for the failed-login alert.'),
  'audit.rules.secretReads.threshold': z.number().int().min(1).default(50).describe('Alert after this many secret reads by one actor within the window.'),
  'audit.rules.secretReads.windowSeconds': z.number().int().min(1).default(60).describe('Window for the secret-read alert.'),

  'scan.failOn': z.enum(['low', 'moderate', 'high', 'critical']).default('low').describe('Lowest severity that makes `scan deps` exit 1.'),
  'scan.db.maxAgeDays': z.number().int().min(0).default(7).describe('Warn when the advisory database is older than this; 0 = never warn.'),
  'pkg.registry': z.string().max(2048).default('').describe('Store URL of the package registry (file://, s3://, azblob://); empty = <home>/pkg-registry.'),
  'pkg.scopeRegistries': z.string().max(8192).default('').describe('Per-scope registries, like npm\'s @acme:registry: "@acme=URL,@other=URL".'),
  'pkg.signatures': z.enum(['require', 'warn', 'off']).default('require').describe('Install and verify: require a signature by a trusted key, warn without one, or skip the check.'),
  'pkg.publish.failOn': z
    .enum(['low', 'moderate', 'high', 'critical', 'none'])
    .default('critical')
    .describe('Publish refuses any secret found in the package, and vulnerabilities at or above this severity; none = no gate.'),
  'scan.secrets.maxFileSizeKiB': z.number().int().min(1).default(1024).describe('Files larger than this are skipped by `scan secrets`.'),
});

export type CircleConfig = z.output<typeof configSchema>;
export type ConfigKey = keyof CircleConfig;
export type ConfigValue = CircleConfig[ConfigKey];

export const configKeys = Object.keys(configSchema.shape) as ConfigKey[];

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(configSchema.shape, key);
}

export type ValueKind = 'string' | 'number' | 'boolean' | 'enum';

export interface ConfigKeyInfo {
  key: ConfigKey;
  kind: ValueKind;
  description: string;
  default: ConfigValue;
  choices?: readonly string[];
}

/** What a key accepts, read off the zod schema so help and coercion cannot drift from validation. */
export function describeKey(key: ConfigKey): ConfigKeyInfo {
  const field = configSchema.shape[key] as z.ZodDefault<z.ZodType>;
  const inner = field.unwrap();
  const type = inner.def.type;
  const kind: ValueKind = type === 'number' || type === 'boolean' || type === 'enum' ? type : 'string';
  return {
    key,
    kind,
    description: field.description ?? '',
    default: field.def.defaultValue as ConfigValue,
    ...(kind === 'enum' ? { choices: (inner as z.ZodEnum).options as string[] } : {}),
  };
}

/** `auth.lockout.maxAttempts` ↔ `CIRCLE_AUTH_LOCKOUT_MAX_ATTEMPTS`. */
export function envVarFor(key: ConfigKey): string {
  return `CIRCLE_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\./g, '_').toUpperCase()}`;
}
