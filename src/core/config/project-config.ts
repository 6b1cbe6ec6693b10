import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, parse as parsePath } from 'node:path';
import { CircleError } from '../errors.js';
import { readFileIfExists } from '../home/atomic.js';
import { localStateFile } from '../store/local.js';
import type { ConfigKey, ConfigValue } from './schema.js';
import { layerFromObject, type ConfigLayer } from './values.js';

export const PROJECT_DIR = '.circle';
export const PROJECT_CONFIG_FILE = 'circle.yaml';

/** The nearest directory at or above `cwd` that holds a `.circle/` folder: the project root. */
export function findProjectRoot(cwd: string): string | undefined {
  let dir = cwd;
  const { root } = parsePath(dir);
  for (;;) {
    const candidate = join(dir, PROJECT_DIR);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return dir;
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}

export function projectConfigPath(projectRoot: string): string {
  return join(projectRoot, PROJECT_DIR, PROJECT_CONFIG_FILE);
}

export interface ProjectLayers {
  file: string;
  base: ConfigLayer;
  /** Per-environment overrides from the `environments:` section. */
  environments: Record<string, ConfigLayer>;
}

export async function readProjectConfig(projectRoot: string): Promise<ProjectLayers | undefined> {
  const file = projectConfigPath(projectRoot);
  const bytes = await readFileIfExists(file);
  if (bytes === undefined) return undefined;
  const { parse } = await import('yaml');
  let parsed: unknown;
  try {
    parsed = parse(bytes.toString('utf8'), { uniqueKeys: true });
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new CircleError('CONFIG_INVALID', `${file}${line ? `:${line}` : ''} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      hint: 'Fix the YAML syntax; nothing was changed.',
      details: { file },
    });
  }
  if (parsed === null || parsed === undefined) return { file, base: {}, environments: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CircleError('CONFIG_INVALID', `${file} must be a mapping of configuration keys`, { details: { file } });
  }
  const { environments, ...rest } = parsed as Record<string, unknown>;
  const envLayers: Record<string, ConfigLayer> = {};
  if (environments !== undefined && environments !== null) {
    if (typeof environments !== 'object' || Array.isArray(environments)) {
      throw new CircleError('CONFIG_INVALID', `${file}: environments must map environment names to settings`, { details: { file } });
    }
    for (const [name, settings] of Object.entries(environments)) {
      envLayers[name] = layerFromObject(settings, `${file} (environments.${name})`);
    }
  }
  return { file, base: layerFromObject(rest, file), environments: envLayers };
}

/**
 * Sets or removes one key in `.circle/circle.yaml`, keeping the user's comments
 * and layout (the file is meant to be read and reviewed in git).
 */
export async function updateProjectConfig(projectRoot: string, key: ConfigKey, value: ConfigValue | undefined, environment?: string): Promise<string> {
  const file = projectConfigPath(projectRoot);
  await mkdir(dirname(file), { recursive: true });
  const { store, key: stateKey } = localStateFile(file);
  await store.update(
    stateKey,
    async (current) => {
      // Validates the whole file first: a broken file is reported, never rewritten.
      await readProjectConfig(projectRoot);
      const { parseDocument } = await import('yaml');
      const doc = parseDocument(current?.bytes.toString('utf8') ?? '');
      if (doc.contents === null) doc.contents = doc.createNode({}) as never;
      const path = [...(environment ? ['environments', environment] : []), ...key.split('.')];
      if (value === undefined) doc.deleteIn(path);
      else doc.setIn(path, value);
      return { bytes: doc.toString(), result: undefined };
    },
    { mode: 0o644 },
  );
  return file;
}
