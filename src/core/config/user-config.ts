import { join } from 'node:path';
import { z } from 'zod';
import { CircleError, isCircleError } from '../errors.js';
import { readFileIfExists, syncDir } from '../home/atomic.js';
import { parseDocument, type DocumentKind } from '../home/document.js';
import { withLock } from '../home/lock.js';
import type { ConfigKey, ConfigValue } from './schema.js';
import { layerFromObject, type ConfigLayer } from './values.js';

/** The user layer: `<home>/config.json`, flat dotted keys inside the versioned envelope. */
export const userConfigKind: DocumentKind<Record<string, unknown>> = {
  format: 'circle-config',
  version: 1,
  schema: z.record(z.string(), z.unknown()),
};

export function userConfigPath(homeDir: string): string {
  return join(homeDir, 'config.json');
}

/**
 * The user layer is state that circle writes, not a file people edit: a bad key
 * or type in it means corruption (exit 5), where in the project YAML it is a
 * usage error (exit 2).
 */
export async function readUserConfig(homeDir: string): Promise<ConfigLayer> {
  const file = userConfigPath(homeDir);
  const bytes = await readFileIfExists(file);
  if (bytes === undefined) return {};
  try {
    return layerFromObject(parseDocument(userConfigKind, file, bytes).data, file);
  } catch (error) {
    if (isCircleError(error) && (error.code === 'CONFIG_INVALID' || error.code === 'CONFIG_UNKNOWN_KEY')) {
      throw new CircleError('STATE_CORRUPT', `${file} is corrupt: ${error.message}`, {
        hint: 'The file was left untouched. Fix the key by hand or move the file aside to start afresh.',
        details: { file },
      });
    }
    throw error;
  }
}

/**
 * Sets (or, with `undefined`, removes) keys in the user layer under the file's
 * lock, so concurrent `config set` processes each keep their key. The write
 * itself goes through `conf` (temp file, fsync, rename); we add the directory
 * fsync that makes the rename durable.
 */
export async function updateUserConfig(homeDir: string, changes: Partial<Record<ConfigKey, ConfigValue | undefined>>): Promise<ConfigLayer> {
  const file = userConfigPath(homeDir);
  return withLock(file, async () => {
    const current = await readUserConfig(homeDir);
    const next: ConfigLayer = { ...current };
    for (const [key, value] of Object.entries(changes) as [ConfigKey, ConfigValue | undefined][]) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
    // conf is loaded only here: reading the config (every command) must stay fast.
    const { default: Conf } = await import('conf');
    const store = new Conf<Record<string, unknown>>({
      cwd: homeDir,
      configName: 'config',
      projectName: 'circle-core',
      configFileMode: 0o600,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      watch: false,
    });
    store.store = { format: userConfigKind.format, version: userConfigKind.version, data: sorted };
    await syncDir(homeDir);
    return next;
  });
}
