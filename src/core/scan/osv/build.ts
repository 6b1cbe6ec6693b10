import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDir, writeFileAtomic } from '../../home/atomic.js';
import { withLock } from '../../home/lock.js';
import { compactRecord } from './compact.js';
import { encodeCandidates } from './match-entry.js';
import { encodeNameTable, type DataSlot } from './name-table.js';
import type { AdvisoryCandidate, AdvisoryDetails, AdvisoryRef, IndexedAdvisory } from './names.js';
import { osvRecordSchema } from './schema.js';
import { ecosystemFiles, INDEX_FORMAT, INDEX_VERSION, indexRoot, type IndexMeta } from './store.js';

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

  /**
   * Adds one package's advisory as an index of an older format held it (migration):
   * already compacted and rated, so it goes in as it is.
   */
  addIndexed(ecosystem: string, name: string, advisory: IndexedAdvisory): void {
    this.ids.add(advisory.id);
    if (advisory.modified && (this.newestModified === undefined || advisory.modified > this.newestModified)) this.newestModified = advisory.modified;
    let names = this.byEcosystem.get(ecosystem);
    if (!names) this.byEcosystem.set(ecosystem, (names = new Map()));
    let list = names.get(name);
    if (!list) names.set(name, (list = new Map()));
    list.set(advisory.id, advisory);
  }

  /** Writes the collected records as a new generation and makes it current. */
  async commit(cacheDir: string, sources: string[]): Promise<IndexMeta> {
    return (await this.write(cacheDir, sources, {}))!;
  }

  /**
   * Writes a generation rebuilt from an older format in place of `from`, keeping
   * its sources, import time and skip counts. Skipped when CURRENT no longer names
   * `from` (checked under the lock): another process migrated or updated it first.
   */
  async commitMigrated(cacheDir: string, from: { generation: string; meta: IndexMeta }): Promise<void> {
    await this.write(cacheDir, from.meta.sources, { skipped: from.meta.skipped, onlyIfCurrent: from.generation });
  }

  private async write(cacheDir: string, sources: string[], options: { skipped?: IndexMeta['skipped']; onlyIfCurrent?: string }): Promise<IndexMeta | undefined> {
    const root = indexRoot(cacheDir);
    await mkdir(root, { recursive: true, mode: 0o700 });
    return withLock(path.join(root, 'index'), async () => {
      if (options.onlyIfCurrent !== undefined) {
        const current = await readFile(path.join(root, 'CURRENT'), 'utf8').catch(() => '');
        if (current.trim() !== options.onlyIfCurrent) return undefined;
      }
      const gen = `gen-${Date.now()}-${randomBytes(4).toString('hex')}`;
      const dir = path.join(root, gen);
      await mkdir(dir, { mode: 0o700 });
      try {
        const ecosystems: IndexMeta['ecosystems'] = {};
        for (const [ecosystem, names] of this.byEcosystem) {
          const file = ecosystem.replace(/[^A-Za-z0-9]+/g, '_');
          const files = ecosystemFiles(dir, file);
          const sortedNames = [...names.keys()].sort();
          const { details, refs } = detailsOf(names, sortedNames);
          const table: ({ name: string } & DataSlot)[] = [];
          const chunks: Buffer[] = [];
          let offset = 0;
          for (const name of sortedNames) {
            const candidates: AdvisoryCandidate[] = [...names.get(name)!.values()].map((a) => ({ ref: refs.get(a.id)!, affected: a.affected }));
            const buf = Buffer.from(JSON.stringify(encodeCandidates(candidates)));
            table.push({ name, offset, length: buf.length });
            chunks.push(buf);
            offset += buf.length;
          }
          await writeDurable(files.details, details);
          await writeDurable(files.match, Buffer.concat(chunks));
          await writeDurable(files.names, encodeNameTable(table));
          ecosystems[ecosystem] = { advisories: refs.size, packages: names.size, file };
        }
        const meta: IndexMeta = {
          format: INDEX_FORMAT,
          version: INDEX_VERSION,
          createdAt: this.now.toISOString(),
          sources,
          advisories: this.advisories,
          skipped: options.skipped ?? this.skipped,
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

/**
 * One details record per advisory in an ecosystem (an advisory naming several
 * packages is stored once), from its most recently modified copy. Records are laid
 * out in the order of the first package that names them, the match file's order,
 * so the advisories a scan reads for one package sit together on disk.
 */
function detailsOf(names: Map<string, Map<string, IndexedAdvisory>>, sortedNames: string[]): { details: Buffer; refs: Map<string, AdvisoryRef> } {
  const newest = new Map<string, IndexedAdvisory>();
  for (const name of sortedNames) {
    for (const a of names.get(name)!.values()) {
      const prior = newest.get(a.id);
      if (!prior || (a.modified ?? '') > (prior.modified ?? '')) newest.set(a.id, a);
    }
  }
  const refs = new Map<string, AdvisoryRef>();
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [id, advisory] of newest) {
    const { affected: _affected, ...details } = advisory;
    const buf = Buffer.from(JSON.stringify(details satisfies AdvisoryDetails));
    refs.set(id, [offset, buf.length]);
    chunks.push(buf);
    offset += buf.length;
  }
  return { details: Buffer.concat(chunks), refs };
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
