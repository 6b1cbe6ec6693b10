import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CircleError } from '../../errors.js';
import { readFileIfExists } from '../../home/atomic.js';
import { decodeCandidates, type MatchSlice } from './match-entry.js';
import { NameTable, type DataSlot } from './name-table.js';
import { normalizeName, type AdvisoryCandidate, type AdvisoryDetails, type AdvisoryRef, type IndexedAdvisory } from './names.js';

/**
 * The on-disk advisory index. `import` writes a new *generation* directory and
 * then switches the `CURRENT` pointer with an atomic rename, so a failed import
 * leaves the old generation in use. Per ecosystem a generation holds:
 *
 *   <file>.names    a binary hash table: package name → its slice of <file>.match (name-table.ts)
 *   <file>.match    per package, its candidates: each advisory's OSV ranges and `versions`
 *                   to match, and where its details are (a flat JSON array, match-entry.ts)
 *   <file>.details  per advisory, one JSON object (id, aliases, summary, severity, …)
 *
 * A scan reads the name tables of the ecosystems it meets, the match slices of the
 * packages it has, and the details of the advisories that hit — so its cost follows
 * the lockfile, not the size of the database.
 *
 * Format 1 (a JSON name table and whole advisories per package) is migrated on open.
 */
export const INDEX_FORMAT = 'circle-osv-index';
export const INDEX_VERSION = 2;

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

export function indexRoot(cacheDir: string): string {
  return path.join(cacheDir, 'osv');
}

/** The files of one ecosystem in a generation (format 2). */
export function ecosystemFiles(dir: string, file: string): { names: string; match: string; details: string } {
  return { names: path.join(dir, `${file}.names`), match: path.join(dir, `${file}.match`), details: path.join(dir, `${file}.details`) };
}

/**
 * Slices closer than this are read in one call: a read call costs about as much
 * as copying a few KiB from the page cache, so a lockfile that touches many
 * nearby packages reads a few long runs instead of thousands of short slices,
 * while advisories scattered over a large details file are still read one by one.
 */
const COALESCE_GAP = 4 * 1024;
/** …but no single read grows past this, so memory stays bounded on a huge database. */
const MAX_RUN = 16 * 1024 * 1024;

interface OpenFile {
  fd: number;
  size: number;
}

interface EcosystemFiles {
  ecosystem: string;
  names: NameTable;
  match: OpenFile;
  details: OpenFile;
}

export interface OpenOptions {
  /** Called before an index in an older format is rebuilt in the current one (once; it takes a few seconds). */
  onMigrate?: (fromVersion: number) => void;
}

/** A read-only view of the current generation. Files are opened up front, so a concurrent update cannot pull them away mid-scan. */
export class OsvIndex {
  private readonly files = new Map<string, EcosystemFiles>();
  private readonly fds: number[] = [];

  private constructor(
    readonly dir: string,
    readonly meta: IndexMeta,
  ) {}

  /** The current index, or undefined when none was imported yet. An older format is migrated first. */
  static async open(cacheDir: string, options: OpenOptions = {}): Promise<OsvIndex | undefined> {
    const current = await readCurrent(cacheDir);
    if (!current) return undefined;
    if (current.meta.version < INDEX_VERSION) {
      options.onMigrate?.(current.meta.version);
      const { migrateIndex } = await import('./migrate.js');
      try {
        await migrateIndex(cacheDir, current.dir, current.meta);
      } catch (error) {
        if (error instanceof CircleError) throw error;
        throw new CircleError('IO', `Could not upgrade the advisory index at ${current.dir}: ${(error as Error).message}`, {
          hint: 'Rebuild it with `circle scan db update` or `circle scan db import PATH`.',
          cause: error,
        });
      }
      return OsvIndex.open(cacheDir, {});
    }
    const index = new OsvIndex(current.dir, current.meta);
    try {
      for (const [ecosystem, info] of Object.entries(current.meta.ecosystems)) {
        const f = ecosystemFiles(current.dir, info.file);
        // Everything is opened now, the name table read now: an update may replace the generation at any moment.
        const match = index.openFile(f.match);
        const details = index.openFile(f.details);
        index.files.set(ecosystem, { ecosystem, names: new NameTable(readFileSync(f.names)), match, details });
      }
    } catch (error) {
      index.close();
      throw corrupt(current.dir, error);
    }
    return index;
  }

  /**
   * The match entries of each package, for matching (match-entry.ts, match.ts): a
   * map from each given name (as given) to its entry; names without advisories
   * are absent. The entries are read in as few reads as their positions allow.
   */
  matchEntries(ecosystem: string, names: Iterable<string>): Map<string, MatchSlice> {
    const result = new Map<string, MatchSlice>();
    const files = this.ecosystem(ecosystem);
    if (!files) return result;
    const wanted: string[] = [];
    const slots: DataSlot[] = [];
    for (const name of names) {
      if (result.has(name)) continue;
      const slot = this.slotOf(files, name);
      if (!slot) continue;
      wanted.push(name);
      slots.push(slot);
      result.set(name, []);
    }
    const slices = this.read(files.match, slots);
    for (let i = 0; i < wanted.length; i++) {
      const entry = this.parse(slices[i]!);
      if (!Array.isArray(entry)) throw corrupt(this.dir, new Error(`the match entry of ${wanted[i]} is not an array`));
      result.set(wanted[i]!, entry as MatchSlice);
    }
    return result;
  }

  /** Whether the index holds records of `ecosystem` (one made from a single ecosystem's zip holds only that one). */
  hasEcosystem(ecosystem: string): boolean {
    return this.files.has(ecosystem);
  }

  /** The details behind candidate refs, in the same order. */
  details(ecosystem: string, refs: readonly AdvisoryRef[]): AdvisoryDetails[] {
    const files = this.ecosystem(ecosystem);
    if (!files) throw corrupt(this.dir, new Error(`no ${ecosystem} files for an advisory reference`));
    const slices = this.read(files.details, refs.map(([offset, length]) => ({ offset, length })));
    return slices.map((s) => {
      const details = this.parse(s);
      if (details === null || typeof details !== 'object' || typeof (details as AdvisoryDetails).id !== 'string') throw corrupt(this.dir, new Error('an advisory record is not an object with an id'));
      return details as AdvisoryDetails;
    });
  }

  /** Every advisory recorded for a package, whole (the name is normalised per ecosystem). */
  lookup(ecosystem: string, name: string): IndexedAdvisory[] {
    let candidates: AdvisoryCandidate[];
    try {
      candidates = decodeCandidates(this.matchEntries(ecosystem, [name]).get(name) ?? []);
    } catch (error) {
      throw corrupt(this.dir, error);
    }
    const details = this.details(ecosystem, candidates.map((c) => c.ref));
    return candidates.map((c, i) => ({ ...details[i]!, affected: c.affected }));
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
    this.files.clear();
  }

  private openFile(file: string): OpenFile {
    const fd = openSync(file, 'r');
    this.fds.push(fd);
    return { fd, size: fstatSync(fd).size };
  }

  private ecosystem(ecosystem: string): EcosystemFiles | undefined {
    return this.files.get(ecosystem);
  }

  private slotOf(files: EcosystemFiles, name: string): DataSlot | undefined {
    try {
      return files.names.get(normalizeName(files.ecosystem, name));
    } catch (error) {
      throw corrupt(this.dir, error);
    }
  }

  /** Reads the slices, merging nearby ones into one read; a slice outside the file means the index is damaged. */
  private read(file: OpenFile, slots: readonly DataSlot[]): Buffer[] {
    for (const s of slots) {
      if (!Number.isSafeInteger(s.offset) || !Number.isSafeInteger(s.length) || s.offset < 0 || s.length < 0 || s.offset + s.length > file.size) throw corrupt(this.dir, new Error('an index slot points outside its data file'));
    }
    const out = new Array<Buffer>(slots.length);
    const order = byOffset(slots);
    for (let i = 0; i < order.length; ) {
      const first = slots[order[i]!]!;
      let end = first.offset + first.length;
      let j = i + 1;
      for (; j < order.length; j++) {
        const next = slots[order[j]!]!;
        if (next.offset - end > COALESCE_GAP || Math.max(end, next.offset + next.length) - first.offset > MAX_RUN) break;
        end = Math.max(end, next.offset + next.length);
      }
      const run = Buffer.allocUnsafe(end - first.offset);
      if (readSync(file.fd, run, 0, run.length, first.offset) !== run.length) throw corrupt(this.dir, new Error('short read'));
      for (let k = i; k < j; k++) {
        const s = slots[order[k]!]!;
        out[order[k]!] = run.subarray(s.offset - first.offset, s.offset - first.offset + s.length);
      }
      i = j;
    }
    return out;
  }

  /** JSON.parse, not zod, on the hot path: we wrote these slices; a damaged one fails to parse and is reported as such. */
  private parse(slice: Buffer): unknown {
    try {
      return JSON.parse(slice.toString('utf8')) as unknown;
    } catch (error) {
      throw corrupt(this.dir, error);
    }
  }
}

/**
 * Slot positions in file order. Packing (offset, position) into one number lets a
 * typed array sort natively: a JS comparator would be called ~60,000 times for a
 * 5,000-package lockfile, all before the JIT has warmed up.
 */
function byOffset(slots: readonly DataSlot[]): ArrayLike<number> {
  const n = slots.length;
  const POSITIONS = 2 ** 20;
  // Offsets are checked safe integers by now; past 8 GiB the packed key would lose bits.
  if (n >= POSITIONS || slots.some((s) => s.offset >= Number.MAX_SAFE_INTEGER / POSITIONS)) {
    return slots.map((_, i) => i).sort((a, b) => slots[a]!.offset - slots[b]!.offset);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = slots[i]!.offset * POSITIONS + i;
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % POSITIONS;
  return order;
}

/** The generation CURRENT points at and its validated meta, or undefined when there is none. */
async function readCurrent(cacheDir: string): Promise<{ dir: string; meta: IndexMeta } | undefined> {
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
  return { dir, meta: meta.data };
}

export function corrupt(dir: string, cause?: unknown): CircleError {
  if (cause instanceof CircleError) return cause;
  return new CircleError('STATE_CORRUPT', `The advisory index at ${dir} is damaged`, {
    hint: 'Rebuild it with `circle scan db import PATH` or `circle scan db update`.',
    ...(cause === undefined ? {} : { cause }),
  });
}
