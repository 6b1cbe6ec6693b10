import type { OsvEvent, OsvRange } from './match.js';
import { normalizeName, type IndexedAdvisory } from './names.js';
import type { OsvRecord } from './schema.js';
import { rateAdvisory } from './severity.js';
import { ECOSYSTEMS } from '../deps/types.js';

/** OSV's ecosystem string without a release suffix (`Debian:11` → `Debian`); only those we scan are indexed. */
export function indexedEcosystem(ecosystem: string): string | undefined {
  const base = ecosystem.split(':')[0]!;
  return (ECOSYSTEMS as readonly string[]).includes(base) ? base : undefined;
}

function toEvent(raw: Record<string, unknown>): OsvEvent | undefined {
  for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const v = raw[kind];
    if (typeof v === 'string') return { [kind]: v } as OsvEvent;
  }
  return undefined;
}

/** Splits one OSV record into per-package index entries; withdrawn records yield none. */
export function compactRecord(record: OsvRecord, now: Date): { ecosystem: string; name: string; advisory: IndexedAdvisory }[] {
  if (record.withdrawn !== undefined && Date.parse(record.withdrawn) <= now.getTime()) return [];
  const rated = rateAdvisory(record);
  const byPackage = new Map<string, { ecosystem: string; name: string; advisory: IndexedAdvisory }>();
  const url = (record.references ?? []).find((r) => r.type === 'ADVISORY')?.url ?? (record.references ?? []).find((r) => r.type === 'WEB')?.url;
  for (const a of record.affected ?? []) {
    if (!a.package) continue;
    const ecosystem = indexedEcosystem(a.package.ecosystem);
    if (!ecosystem) continue;
    const ranges: OsvRange[] = [];
    for (const r of a.ranges ?? []) {
      if (r.type !== 'SEMVER' && r.type !== 'ECOSYSTEM') continue;
      const events = r.events.map(toEvent).filter((e): e is OsvEvent => e !== undefined);
      if (events.length > 0) ranges.push({ type: r.type, events });
    }
    const versions = a.versions ?? [];
    // Only GIT ranges (commit hashes) and no `versions`: nothing a lockfile version can match (see OsvRange).
    // A record left with no entry at all is counted with the other-ecosystem skips.
    if (ranges.length === 0 && versions.length === 0) continue;
    const name = normalizeName(ecosystem, a.package.name);
    const key = `${ecosystem}\u0000${name}`;
    let entry = byPackage.get(key);
    if (!entry) {
      entry = {
        ecosystem,
        name,
        advisory: {
          id: record.id,
          aliases: record.aliases ?? [],
          summary: oneLine(record.summary ?? record.details ?? record.id),
          severity: rated.severity,
          ...(rated.score === undefined ? {} : { score: rated.score }),
          ...(rated.vector === undefined ? {} : { vector: rated.vector }),
          ...(record.modified === undefined ? {} : { modified: record.modified }),
          ...(url === undefined ? {} : { url }),
          affected: [],
        },
      };
      byPackage.set(key, entry);
    }
    entry.advisory.affected.push({ ranges, versions });
  }
  return [...byPackage.values()];
}

function oneLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line.trim();
}
