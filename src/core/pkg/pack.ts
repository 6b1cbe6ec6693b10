import { lstat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { CircleError } from '../errors.js';
import { packFileList } from './files.js';
import { digestTarball } from './integrity.js';
import { binEntries, readManifest, type PackageManifest } from './manifest.js';

/**
 * `circle pkg pack`: the tarball npm makes for the same folder. Same file list
 * (npm-packlist), same order, same tar options as npm's pacote: a `package/`
 * prefix, no owner or device fields (uid/gid 0), every mtime 1985-10-26T08:15Z,
 * top-level bins made executable as pacote does, gzip level 9. Packing twice gives the same bytes.
 */
export const PACK_MTIME = new Date('1985-10-26T08:15:00.000Z');

export interface PackedPackage {
  manifest: PackageManifest;
  tarball: Buffer;
  /** `acme-util-1.2.0.tgz`, npm's file name. */
  filename: string;
  files: { path: string; size: number; mode: number }[];
  integrity: string;
  shasum: string;
  unpackedSize: number;
}

export function tarballFilename(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

export async function packDirectory(dir: string): Promise<PackedPackage> {
  const root = path.resolve(dir);
  const manifest = await readManifest(root);
  const list = await packFileList(root, manifest);
  const bins = new Set(Object.values(binEntries(manifest)));
  const files: PackedPackage['files'] = [];
  const stream = create(
    {
      cwd: root,
      prefix: 'package/',
      portable: true,
      gzip: { level: 9 },
      mtime: PACK_MTIME,
      filter: (p, stat) => {
        // pacote's isPackageBin, quirk included: it drops the first path component before
        // comparing, so only a bin whose path has no folder, or one folder repeated, is made
        // executable. Doing the same keeps the bytes equal to npm's; installers set bin modes.
        if (bins.has(p.replace(/^[^\\/]*\//, ''))) stat.mode = (stat.mode ?? 0o644) | 0o111;
        if ('size' in stat) files.push({ path: p, size: Number(stat.size), mode: Number(stat.mode ?? 0o644) & 0o777 });
        return true;
      },
    },
    list,
  );
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const tarball = Buffer.concat(chunks);
  if (files.length !== list.length) {
    throw new CircleError('IO', `The package folder changed while it was packed (${files.length} of ${list.length} files read)`);
  }
  const { integrity, shasum } = digestTarball(tarball);
  return {
    manifest,
    tarball,
    filename: tarballFilename(manifest.name, manifest.version),
    files,
    integrity,
    shasum,
    unpackedSize: files.reduce((sum, f) => sum + f.size, 0),
  };
}

/** Writes the tarball next to nothing else: refuses to overwrite a different file of the same name. */
export async function writeTarball(packed: PackedPackage, outDir: string): Promise<string> {
  const file = path.join(path.resolve(outDir), packed.filename);
  const existing = await lstat(file).catch(() => undefined);
  if (existing && !existing.isFile()) throw new CircleError('CONFLICT', `${file} exists and is not a file`);
  await writeFile(file, packed.tarball, { mode: 0o644 });
  return file;
}
