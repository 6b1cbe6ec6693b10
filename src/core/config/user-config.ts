import { join } from 'node:path';
import { z } from 'zod';
import { CircleError, isCircleError } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { parseDocument, type DocumentKind } from '../home/document.js';
import { localStateFile } from '../store/local.js';
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
 * Sets (or, with `undefined`, removes) keys in the user layer through the state
 * store's locked update, so concurrent `config set` processes each keep their
 * key. The bytes are those `conf` wrote before (tab-indented JSON, no newline),
 * so existing files and new ones look alike.
 */
export async function updateUserConfig(homeDir: string, changes: Partial<Record<ConfigKey, ConfigValue | undefined>>): Promise<ConfigLayer> {
  const { store, key } = localStateFile(userConfigPath(homeDir));
  return store.update(key, async () => {
    const current = await readUserConfig(homeDir);
    const next: ConfigLayer = { ...current };
    for (const [name, value] of Object.entries(changes) as [ConfigKey, ConfigValue | undefined][]) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
    const bytes = JSON.stringify({ format: userConfigKind.format, version: userConfigKind.version, data: sorted }, undefined, '\t');
    return { bytes, result: next };
  });
}
