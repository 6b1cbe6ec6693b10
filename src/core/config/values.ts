import { CircleError } from '../errors.js';
import { configKeys, configSchema, describeKey, isConfigKey, type ConfigKey, type ConfigValue } from './schema.js';

/** Where a value came from, lowest precedence first. */
export const CONFIG_ORIGINS = ['default', 'user', 'project', 'project-env', 'env', 'flag'] as const;
export type ConfigOrigin = (typeof CONFIG_ORIGINS)[number];

export type ConfigLayer = Partial<Record<ConfigKey, ConfigValue>>;

/** Turns text (a CLI argument or an environment variable) into the key's type, then validates it. */
export function parseConfigText(key: string, raw: string, where: string): { key: ConfigKey; value: ConfigValue } {
  const configKey = requireKey(key, where);
  const info = describeKey(configKey);
  let candidate: unknown = raw;
  if (info.kind === 'number') candidate = raw.trim() === '' ? Number.NaN : Number(raw);
  if (info.kind === 'boolean') candidate = raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  return { key: configKey, value: validateValue(configKey, candidate, where) };
}

export function validateValue(key: ConfigKey, value: unknown, where: string): ConfigValue {
  const field = configSchema.shape[key].unwrap() as { safeParse(v: unknown): { success: true; data: ConfigValue } | { success: false; error: { issues: { message: string }[] } } };
  const result = field.safeParse(value);
  if (!result.success) {
    const info = describeKey(key);
    const expected = info.choices ? `one of ${info.choices.join(', ')}` : `a ${info.kind}`;
    throw new CircleError('CONFIG_INVALID', `Invalid value for ${key} in ${where}: ${result.error.issues[0]?.message ?? 'invalid'}`, {
      hint: `${key} takes ${expected}. ${info.description}`,
      details: { key, where },
    });
  }
  return result.data;
}

export function requireKey(key: string, where: string): ConfigKey {
  if (isConfigKey(key)) return key;
  const suggestion = closestKey(key);
  throw new CircleError('CONFIG_UNKNOWN_KEY', `Unknown configuration key "${key}" in ${where}`, {
    hint: suggestion ? `Did you mean ${suggestion}? Run \`circle config list\` for every key.` : 'Run `circle config list` for every key.',
    details: { key, where },
  });
}

/**
 * Flattens `{ auth: { lockout: { maxAttempts: 3 } } }` (or already-dotted keys)
 * into validated key → value pairs, rejecting unknown paths and wrong types.
 */
export function layerFromObject(input: unknown, where: string, prefix = ''): ConfigLayer {
  const layer: ConfigLayer = {};
  if (input === null || input === undefined) return layer;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new CircleError('CONFIG_INVALID', `Invalid configuration in ${where}${prefix ? ` at ${prefix}` : ''}: expected a mapping of keys`, { details: { where } });
  }
  for (const [name, value] of Object.entries(input)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (isConfigKey(path)) {
      layer[path] = validateValue(path, value, where);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && configKeys.some((k) => k.startsWith(`${path}.`))) {
      Object.assign(layer, layerFromObject(value, where, path));
    } else {
      requireKey(path, where);
    }
  }
  return layer;
}

function closestKey(key: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of configKeys) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
