import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { CircleError } from '../errors.js';

/**
 * A package's `package.json`, in npm's shape. Only the fields circle reads are
 * checked; everything else is kept as it is (the packument stores the manifest
 * as published, like npm's registry does).
 */
const dependencyMap = z.record(z.string(), z.string().max(1024));

export const manifestSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().max(4096).optional(),
  keywords: z.array(z.string().max(256)).max(200).optional(),
  main: z.string().max(1024).optional(),
  files: z.array(z.string().max(1024)).max(10_000).optional(),
  bin: z.union([z.string().max(1024), z.record(z.string(), z.string().max(1024))]).optional(),
  dependencies: dependencyMap.optional(),
  optionalDependencies: dependencyMap.optional(),
  devDependencies: dependencyMap.optional(),
  peerDependencies: dependencyMap.optional(),
  private: z.boolean().optional(),
});
export type PackageManifest = z.infer<typeof manifestSchema>;

const NAME_MAX = 214;
/** Names core Node modules take (npm refuses them as package names). */
const BLOCKED = new Set(['node_modules', 'favicon.ico']);

/**
 * npm's rules for a new package name (validate-npm-package-name, "validForNewPackages"):
 * lower case, URL-safe, at most 214 characters, not starting with `.` or `_`, an
 * optional `@scope/`. Core module names are refused too, as npm does.
 */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > NAME_MAX) return `the name is longer than ${NAME_MAX} characters`;
  if (name.trim() !== name) return 'the name has leading or trailing spaces';
  if (name.toLowerCase() !== name) return 'the name has capital letters';
  if (BLOCKED.has(name)) return `"${name}" is a blocked name`;
  if (isBuiltin(name)) return `"${name}" is a Node.js core module name`;
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped ? [scoped[1]!, scoped[2]!] : [name];
  if (!scoped && name.includes('/')) return 'only a scoped name (@scope/name) may contain "/"';
  for (const part of parts) {
    if (part.startsWith('.') || part.startsWith('_')) return 'the name starts with "." or "_"';
    if (!/^[a-z0-9._~-]+$/.test(part)) return 'the name has characters that are not URL-safe (allowed: a-z 0-9 - . _ ~)';
    if (part === '.' || part === '..') return 'the name is "." or ".."';
  }
  return undefined;
}

// node:module's list is the one npm's validator uses too.
const builtins = new Set(builtinModules);
function isBuiltin(name: string): boolean {
  return builtins.has(name);
}
export function assertPackageName(name: string): void {
  const problem = packageNameProblem(name);
  if (problem) throw new CircleError('USAGE', `Invalid package name ${JSON.stringify(name.slice(0, 256))}: ${problem}`);
}

export function assertVersion(version: string): string {
  const clean = semver.valid(version);
  if (!clean || clean !== version) throw new CircleError('USAGE', `Invalid version ${JSON.stringify(version.slice(0, 256))}: not a semver version (like 1.2.3)`);
  return clean;
}

/** Parses and checks a manifest's text; `source` names the file for errors. */
export function parseManifest(text: string, source: string): PackageManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CircleError('USAGE', `${source} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CircleError('USAGE', `${source} is not a valid package.json${issue ? ` (${issue.path.join('.') || 'root'}: ${issue.message})` : ''}`);
  }
  assertPackageName(parsed.data.name);
  assertVersion(parsed.data.version);
  for (const [dep, range] of Object.entries(parsed.data.dependencies ?? {})) {
    assertPackageName(dep);
    if (!isRegistrySpec(range)) throw new CircleError('USAGE', `${source}: dependency ${dep} has a range circle cannot resolve: ${JSON.stringify(range.slice(0, 100))}`, { hint: 'Use a semver range or a dist-tag.' });
  }
  return parsed.data;
}

export async function readManifest(dir: string): Promise<PackageManifest> {
  const file = path.join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CircleError('NOT_FOUND', `No package.json in ${dir}`, { hint: 'Create one with `circle pkg init`.' });
    throw error;
  }
  return parseManifest(text, file);
}

/** A range (`^1.2.0`, `1.x`, `*`) or a dist-tag (`latest`, `next`). */
export function isRegistrySpec(spec: string): boolean {
  return semver.validRange(spec) !== null || isDistTagName(spec);
}

export function isDistTagName(tag: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9._-]{0,63}$/.test(tag) && semver.validRange(tag) === null;
}

/** `bin` as npm normalises it: a string means one command named after the package. */
export function binEntries(manifest: Pick<PackageManifest, 'name' | 'bin'>): Record<string, string> {
  if (manifest.bin === undefined) return {};
  if (typeof manifest.bin === 'string') return { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin };
  return manifest.bin;
}

/** `name@range` / `@scope/name@tag` / `name` → its parts (a bare name means `latest`). */
export function parseSpec(spec: string): { name: string; range: string } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? 'latest' : spec.slice(at + 1);
  assertPackageName(name);
  if (!range || !isRegistrySpec(range)) throw new CircleError('USAGE', `Invalid version range or tag in ${JSON.stringify(spec.slice(0, 256))}`);
  return { name, range };
}
