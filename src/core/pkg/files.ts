import packlist from 'npm-packlist';
import path from 'node:path';
import { CircleError } from '../errors.js';
import type { PackageManifest } from './manifest.js';

/**
 * The files `npm pack` would put in the tarball, from npm's own walker
 * (npm-packlist): `files`, `.npmignore` / `.gitignore`, the always-included
 * package.json, README, LICENSE, `main` and `bin`, and the always-excluded
 * `.git`, `node_modules`, lockfiles, `.npmrc`. npm-packlist only reads the
 * package and path of the arborist tree it is given; circle does not bundle
 * dependencies, so the tree has no edges.
 */
export async function packFileList(dir: string, manifest: PackageManifest): Promise<string[]> {
  if (Array.isArray(manifest.bundleDependencies) || Array.isArray(manifest.bundledDependencies)) {
    throw new CircleError('USAGE', 'bundleDependencies are not supported by circle pkg', { hint: 'Publish those dependencies to the registry and depend on them instead.' });
  }
  const root = path.resolve(dir);
  const files = await packlist({ path: root, package: manifest, isProjectRoot: true, edgesOut: new Map() });
  // Kept in npm-packlist's own order (extension, base name, path: it compresses better), so
  // that the tarball circle makes is byte for byte the one `npm pack` makes.
  return files.map((f) => f.split(path.sep).join('/'));
}
