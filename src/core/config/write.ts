import type { AuditActor, AuditSink } from '../audit/sink.js';
import type { Authorizer } from '../authz/authorizer.js';
import { CircleError } from '../errors.js';
import { findProjectRoot, updateProjectConfig } from './project-config.js';
import type { ConfigKey, ConfigValue } from './schema.js';
import { updateUserConfig, userConfigPath } from './user-config.js';

export interface ConfigWriteTarget {
  homeDir: string;
  cwd?: string;
  /** Write to the project's `.circle/circle.yaml` instead of the user config. */
  project?: boolean;
  /** With `project`: the environment section to write into. */
  environment?: string;
}

export interface ConfigWriteResult {
  key: ConfigKey;
  /** The new value; absent after an unset. */
  value?: ConfigValue;
  layer: 'user' | 'project' | 'project-env';
  file: string;
  environment?: string;
}

/** Where a config change is recorded: the home's audit log and who made the change. */
export interface ConfigAudit {
  audit: AuditSink;
  actor: AuditActor;
  /** The unlocked principal making the change, when there is one: its role must allow `config.write`. */
  authorizer?: Authorizer;
}

/**
 * Sets (or with `undefined` removes) a validated key in the layer the target
 * names. With `audit`, the change is recorded (`config.set` / `config.unset`,
 * target = the key; the value only in the encrypted details). When the audit
 * names an unlocked principal, its role must allow `config.write` (a viewer
 * cannot change the configuration of a vault home).
 */
export async function writeConfigValue(target: ConfigWriteTarget, key: ConfigKey, value: ConfigValue | undefined, audit?: ConfigAudit): Promise<ConfigWriteResult> {
  await audit?.authorizer?.require('config.write', key);
  const result = await writeConfigValueUnaudited(target, key, value);
  if (audit) {
    await audit.audit.record({
      action: value === undefined ? 'config.unset' : 'config.set',
      outcome: 'success',
      actor: audit.actor,
      target: key,
      details: { layer: result.layer, file: result.file, ...(result.environment ? { environment: result.environment } : {}), ...(value === undefined ? {} : { value }) },
    });
  }
  return result;
}

async function writeConfigValueUnaudited(target: ConfigWriteTarget, key: ConfigKey, value: ConfigValue | undefined): Promise<ConfigWriteResult> {
  const valuePart = value === undefined ? {} : { value };
  if (!target.project) {
    if (target.environment) {
      throw new CircleError('USAGE', '--env only applies to the project file', { hint: 'Add --project to write to .circle/circle.yaml.' });
    }
    await updateUserConfig(target.homeDir, { [key]: value });
    return { key, ...valuePart, layer: 'user', file: userConfigPath(target.homeDir) };
  }
  const root = findProjectRoot(target.cwd ?? process.cwd());
  if (!root) {
    throw new CircleError('NOT_FOUND', 'Not inside a circle project (no .circle/ folder here or above)', {
      hint: 'Create one with `mkdir .circle` at the repository root, or drop --project.',
    });
  }
  const file = await updateProjectConfig(root, key, value, target.environment);
  const environment = target.environment ? { environment: target.environment } : {};
  return { key, ...valuePart, layer: target.environment ? 'project-env' : 'project', file, ...environment };
}
