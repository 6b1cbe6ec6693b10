import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { OsvIndexBuilder } from './build.js';
import type { IndexedAdvisory } from './names.js';
import { corrupt, type IndexMeta } from './store.js';

/**
 * Rebuilds an index of format 1 (per ecosystem a JSON name table `<file>.names.json`
 * of [offset, length] into `<file>.data`, which holds each package's advisories
 * whole) as the current format. Everything format 2 keeps is in format 1, so no
 * download or re-import is needed; the import time, sources and skip counts carry
 * over, so staleness warnings and `db status` are unchanged.
 */
export async function migrateIndex(cacheDir: string, dir: string, meta: IndexMeta): Promise<void> {
  if (meta.version !== 1) throw corrupt(dir, new Error(`no migration from index format ${meta.version}`));
  const builder = new OsvIndexBuilder(new Date(meta.createdAt));
  try {
    for (const [ecosystem, info] of Object.entries(meta.ecosystems)) {
      const table = JSON.parse(readFileSync(path.join(dir, `${info.file}.names.json`), 'utf8')) as Record<string, [number, number]>;
      const fd = openSync(path.join(dir, `${info.file}.data`), 'r');
      try {
        for (const [name, [offset, length]] of Object.entries(table)) {
          const buf = Buffer.allocUnsafe(length);
          if (readSync(fd, buf, 0, length, offset) !== length) throw new Error(`short read for ${name}`);
          for (const advisory of JSON.parse(buf.toString('utf8')) as IndexedAdvisory[]) builder.addIndexed(ecosystem, name, advisory);
        }
      } finally {
        closeSync(fd);
      }
    }
  } catch (error) {
    throw corrupt(dir, error);
  }
  await builder.commitMigrated(cacheDir, { generation: path.basename(dir), meta });
}
