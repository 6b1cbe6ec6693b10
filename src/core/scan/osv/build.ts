import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDir, writeFileAtomic } from '../../home/atomic.js';
import { withLock } from '../../home/lock.js';
import { compactRecord } from './compact.js';
import type { IndexedAdvisory } from './names.js';
import { osvRecordSchema } from './schema.js';
import { INDEX_FORMAT, INDEX_VERSION, indexRoot, type IndexMeta } from './store.js';

/** Collects OSV records in memory (compacted) before they are written as one generation. */
export class OsvIndexBuilder {
  private readonly byEcosystem = new Map<string, Map<string, Map<string, IndexedAdvisory>>>();
  private readonly ids = new Set<string>();
  readonly skipped = { withdrawn: 0, invalid: 0, otherEcosystems: 0 };
  newestModified: string | undefined;

  constructor(private readonly now: Date = new Date()) {}

  get advisories(): number {
    return this.ids.size;
  }

  /** Adds one parsed OSV JSON document; returns false when it is not an OSV record. */
  add(raw: unknown): boolean {
    const parsed = osvRecordSchema.safeParse(raw);
    if (!parsed.success) {
      this.skipped.invalid++;
      return false;
    }
    const record = parsed.data;
    if (record.withdrawn !== undefined && Date.parse(record.withdrawn) <= this.now.getTime()) {
      this.skipped.withdrawn++;
      return true;
    }
    const entries = compactRecord(record, this.now);
    if (entries.length === 0) {
      this.skipped.otherEcosystems++;
      return true;
    }
    if (record.modified && (this.newestModified === undefined || record.modified > this.newestModified)) this.newestModified = record.modified;
    this.ids.add(record.id);
    for (const { ecosystem, name, advisory } of entries) {
      let names = this.byEcosystem.get(ecosystem);
      if (!names) this.byEcosystem.set(ecosystem, (names = new Map()));
      let list = names.get(name);
      if (!list) names.set(name, (list = new Map()));
      const prior = list.get(advisory.id);
      // The same advisory from two sources: keep the most recently modified copy.
      if (!prior || (advisory.modified ?? '') >= (prior.modified ?? '')) list.set(advisory.id, advisory);
    }
    return true;
  }

  /** Writes the collected records as a new generation and makes it current. */
  async commit(cacheDir: string, sources: string[]): Promise<IndexMeta> {
    const root = indexRoot(cacheDir);
    await mkdir(root, { recursive: true, mode: 0o700 });
    return withLock(path.join(root, 'index'), async () => {
      const gen = `gen-${Date.now()}-${randomBytes(4).toString('hex')}`;
      const dir = path.join(root, gen);
      await mkdir(dir, { mode: 0o700 });
      try {
        const ecosystems: IndexMeta['ecosystems'] = {};
        for (const [ecosystem, names] of this.byEcosystem) {
          const file = ecosystem.replace(/[^A-Za-z0-9]+/g, '_');
          const table: Record<string, [number, number]> = {};
          const chunks: Buffer[] = [];
          let offset = 0;
          const ids = new Set<string>();
          for (const name of [...names.keys()].sort()) {
            const list = [...names.get(name)!.values()];
            for (const a of list) ids.add(a.id);
            const buf = Buffer.from(JSON.stringify(list));
            table[name] = [offset, buf.length];
            chunks.push(buf);
            offset += buf.length;
          }
          await writeDurable(path.join(dir, `${file}.data`), Buffer.concat(chunks));
          await writeDurable(path.join(dir, `${file}.names.json`), JSON.stringify(table));
          ecosystems[ecosystem] = { advisories: ids.size, packages: names.size, file };
        }
        const meta: IndexMeta = {
          format: INDEX_FORMAT,
          version: INDEX_VERSION,
          createdAt: this.now.toISOString(),
          sources,
          advisories: this.advisories,
          skipped: this.skipped,
          ecosystems,
          ...(this.newestModified === undefined ? {} : { newestModified: this.newestModified }),
        };
        await writeDurable(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
        await syncDir(dir);
        await writeFileAtomic(path.join(root, 'CURRENT'), `${gen}\n`);
        await removeOtherGenerations(root, gen);
        return meta;
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    });
  }
}

async function writeDurable(file: string, data: string | Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeOtherGenerations(root: string, keep: string): Promise<void> {
  for (const entry of await readdir(root)) {
    // A reader holding an old generation's files open keeps reading them: unlinked files stay readable.
    if (entry.startsWith('gen-') && entry !== keep) await rm(path.join(root, entry), { recursive: true, force: true });
  }
}
