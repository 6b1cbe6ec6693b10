import { CircleError, isCircleError } from '../errors.js';
import { findProjectRoot, projectConfigPath, readProjectConfig } from './project-config.js';
import { readUserConfig, userConfigPath } from './user-config.js';
import { resolveConfig } from './resolve.js';

export interface ConfigFileCheck {
  file: string;
  ok: boolean;
  exists: boolean;
  error?: { code: string; message: string };
}

export interface ConfigValidationResult {
  valid: boolean;
  files: ConfigFileCheck[];
  environmentVariables: { ok: boolean; error?: { code: string; message: string } };
}

/** Checks every layer on its own, so one bad file does not hide problems in another. */
export async function validateConfigFiles(homeDir: string, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<ConfigValidationResult> {
  const files: ConfigFileCheck[] = [];
  files.push(await check(userConfigPath(homeDir), () => readUserConfig(homeDir)));
  const projectRoot = findProjectRoot(cwd);
  if (projectRoot) files.push(await check(projectConfigPath(projectRoot), () => readProjectConfig(projectRoot)));
  let environmentVariables: ConfigValidationResult['environmentVariables'] = { ok: true };
  // Files were checked above; an error here comes from CIRCLE_* variables or the environment name.
  if (files.every((f) => f.ok)) {
    try {
      await resolveConfig({ homeDir, cwd, env });
    } catch (error) {
      environmentVariables = { ok: false, error: describe(error) };
    }
  }
  return { valid: files.every((f) => f.ok) && environmentVariables.ok, files, environmentVariables };
}

async function check(file: string, read: () => Promise<unknown>): Promise<ConfigFileCheck> {
  const { existsSync } = await import('node:fs');
  const exists = existsSync(file);
  try {
    await read();
    return { file, ok: true, exists };
  } catch (error) {
    return { file, ok: false, exists, error: describe(error) };
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (isCircleError(error)) return { code: error.code, message: error.message };
  throw error instanceof Error ? error : new CircleError('INTERNAL', String(error));
}
