import { configKeys, describeKey, envVarFor, type CircleConfig, type ConfigKey, type ConfigValue } from './schema.js';
import { findProjectRoot, readProjectConfig } from './project-config.js';
import { readUserConfig, userConfigPath } from './user-config.js';
import { parseConfigText, requireKey, type ConfigLayer, type ConfigOrigin } from './values.js';
import { CircleError } from '../errors.js';

export interface ConfigSources {
  homeDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `--env`: which section of the project file applies (else CIRCLE_ENV, else defaultEnv). */
  environment?: string;
  /** Values from command flags, the highest layer. */
  flags?: Partial<Record<ConfigKey, ConfigValue | undefined>>;
}

export interface ConfigEntry {
  key: ConfigKey;
  value: ConfigValue;
  origin: ConfigOrigin;
  /** The file or environment variable it came from. */
  source?: string;
}

export interface ResolvedConfig {
  values: CircleConfig;
  entries: Record<ConfigKey, ConfigEntry>;
  environment: string;
  projectRoot?: string;
}

const ENV_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Layers, lowest first: defaults < user < project < project environment section < CIRCLE_* variables < flags. */
export async function resolveConfig(sources: ConfigSources): Promise<ResolvedConfig> {
  const env = sources.env ?? process.env;
  const entries = {} as Record<ConfigKey, ConfigEntry>;
  const apply = (layer: ConfigLayer, origin: ConfigOrigin, source?: string) => {
    for (const [key, value] of Object.entries(layer) as [ConfigKey, ConfigValue][]) {
      entries[key] = { key, value, origin, ...(source === undefined ? {} : { source }) };
    }
  };

  for (const key of configKeys) entries[key] = { key, value: describeKey(key).default, origin: 'default' };
  apply(await readUserConfig(sources.homeDir), 'user', userConfigPath(sources.homeDir));

  const projectRoot = findProjectRoot(sources.cwd ?? process.cwd());
  const project = projectRoot ? await readProjectConfig(projectRoot) : undefined;
  if (project) apply(project.base, 'project', project.file);

  const fromEnvVars = readEnvLayer(env);
  const environment = chooseEnvironment(sources.environment, env.CIRCLE_ENV, fromEnvVars.layer.defaultEnv ?? entries.defaultEnv.value);
  if (project?.environments[environment]) apply(project.environments[environment], 'project-env', project.file);

  for (const [key, value] of Object.entries(fromEnvVars.layer) as [ConfigKey, ConfigValue][]) {
    entries[key] = { key, value, origin: 'env', source: fromEnvVars.names[key] };
  }
  const flagLayer = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined)) as ConfigLayer;
  apply(flagLayer, 'flag');

  const values = Object.fromEntries(configKeys.map((key) => [key, entries[key].value])) as CircleConfig;
  return { values, entries, environment, ...(projectRoot ? { projectRoot } : {}) };
}

function chooseEnvironment(flag: string | undefined, fromEnv: string | undefined, fallback: ConfigValue): string {
  const chosen = flag ?? (fromEnv || undefined) ?? String(fallback);
  if (!ENV_NAME.test(chosen)) {
    throw new CircleError('USAGE', `Invalid environment name "${chosen}"`, {
      hint: 'Environment names use lower-case letters, digits, - and _ (for example: production).',
    });
  }
  return chosen;
}

function readEnvLayer(env: NodeJS.ProcessEnv): { layer: ConfigLayer; names: Record<string, string> } {
  const layer: ConfigLayer = {};
  const names: Record<string, string> = {};
  for (const key of configKeys) {
    const name = envVarFor(key);
    const raw = env[name];
    if (raw === undefined) continue;
    layer[key] = parseConfigText(key, raw, `environment variable ${name}`).value;
    names[key] = name;
  }
  return { layer, names };
}

/** One key's effective value and where it came from. */
export async function getConfigEntry(key: string, sources: ConfigSources): Promise<ConfigEntry> {
  const configKey = requireKey(key, 'the command line');
  return (await resolveConfig(sources)).entries[configKey];
}
