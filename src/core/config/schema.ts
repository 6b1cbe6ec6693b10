import { z } from 'zod';
import { configSections } from './sections/index.js';

/**
 * Every configuration key, its type, default and meaning: the one schema that
 * get/set/list/validate, the environment-variable mapping and the other topics
 * all read, merged from the per-topic sections in ./sections/. Keys are dotted
 * paths; files may nest them (`auth: { lockout: … }`).
 */
export const configSchema = z.strictObject(configSections);

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
