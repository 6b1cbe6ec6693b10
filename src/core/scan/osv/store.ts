import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CircleError, errnoCode } from '../../errors.js';
import { readFileIfExists } from '../../home/atomic.js';
import { normalizeName, type IndexedAdvisory } from './names.js';

/**
 * The on-disk advisory index. `import` writes a new *generation* directory —
 * per ecosystem a data file of JSON arrays (one per package name) and a name
 * table of byte offsets into it — then switches the `CURRENT` pointer with an
 * atomic rename. A scan reads only the name tables of the ecosystems it meets
 * and only the slices for the packages it has, so its cost follows the lockfile,
 * not the size of the database; and a failed import leaves the old generation in use.
 */
export const INDEX_FORMAT = 'circle-osv-index';
export const INDEX_VERSION = 1;

const metaSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  version: z.number().int(),
  createdAt: z.string(),
  sources: z.array(z.string()),
  advisories: z.number().int(),
  skipped: z.object({ withdrawn: z.number().int(), invalid: z.number().int(), otherEcosystems: z.number().int() }),
  ecosystems: z.record(z.string(), z.object({ advisories: z.number().int(), packages: z.number().int(), file: z.string() })),
  /** Newest `modified` among the records: how fresh the data is, as opposed to when it was imported. */
  newestModified: z.string().optional(),
});
export type IndexMeta = z.infer<typeof metaSchema>;

const namesSchema = z.record(z.string(), z.tuple([z.number().int(), z.number().int()]));

export function indexRoot(cacheDir: string): string {
  return path.join(cacheDir, 'osv');
}

/** A read-only view of the current generation; name tables and data load lazily per ecosystem. */
export class OsvIndex {
  private readonly tables = new Map<string, { names: Record<string, [number, number]>; fd: number } | null>();

  private constructor(
    readonly dir: string,
    readonly meta: IndexMeta,
  ) {}

  /** The current index, or undefined when none was imported yet. */
  static async open(cacheDir: string): Promise<OsvIndex | undefined> {
    const root = indexRoot(cacheDir);
    const current = await readFileIfExists(path.join(root, 'CURRENT'));
    if (current === undefined) return undefined;
    const dir = path.join(root, current.toString('utf8').trim());
    let metaRaw: unknown;
    try {
      metaRaw = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    } catch (error) {
      throw corrupt(dir, error);
    }
    const meta = metaSchema.safeParse(metaRaw);
    if (!meta.success) throw corrupt(dir);
    if (meta.data.version > INDEX_VERSION) {
      throw new CircleError('STATE_TOO_NEW', `The advisory index at ${dir} was written by a newer circle (format ${meta.data.version})`, {
        hint: 'Upgrade circle-core, or re-import the database with this version.',
      });
    }
    return new OsvIndex(dir, meta.data);
  }

  /** Advisories recorded for a package (the name is normalised per ecosystem). */
  lookup(ecosystem: string, name: string): IndexedAdvisory[] {
    const table = this.table(ecosystem);
    if (!table) return [];
    const slot = table.names[normalizeName(ecosystem, name)];
    if (!slot) return [];
    const buf = Buffer.allocUnsafe(slot[1]);
    readSync(table.fd, buf, 0, slot[1], slot[0]);
    try {
      return JSON.parse(buf.toString('utf8')) as IndexedAdvisory[];
    } catch (error) {
      throw corrupt(this.dir, error);
    }
  }

  close(): void {
    for (const t of this.tables.values()) if (t) closeSync(t.fd);
    this.tables.clear();
  }

  private table(ecosystem: string): { names: Record<string, [number, number]>; fd: number } | null {
    const cached = this.tables.get(ecosystem);
    if (cached !== undefined) return cached;
    const info = this.meta.ecosystems[ecosystem];
    let loaded: { names: Record<string, [number, number]>; fd: number } | null = null;
    if (info) {
      try {
        // JSON.parse, not zod, on the hot path: the table was validated in shape when written by us, and a
        // tampered table can at worst make lookups miss or read garbage, which parses as an error below.
        const names = JSON.parse(readFileSync(path.join(this.dir, `${info.file}.names.json`), 'utf8')) as unknown;
        if (names === null || typeof names !== 'object' || Array.isArray(names)) throw new Error('name table is not an object');
        loaded = { names: names as z.infer<typeof namesSchema>, fd: openSync(path.join(this.dir, `${info.file}.data`), 'r') };
      } catch (error) {
        if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError || error instanceof Error) throw corrupt(this.dir, error);
        throw error;
      }
    }
    this.tables.set(ecosystem, loaded);
    return loaded;
  }
}

function corrupt(dir: string, cause?: unknown): CircleError {
  return new CircleError('STATE_CORRUPT', `The advisory index at ${dir} is damaged`, {
    hint: 'Rebuild it with `circle scan db import PATH` or `circle scan db update`.',
    cause,
  });
}
