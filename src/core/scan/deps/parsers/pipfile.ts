import { z } from 'zod';
import { malformedLockfile, parseJsonLockfile } from '../errors.js';
import { jsonKeyLines } from '../graph.js';
import type { LockfileInput, Package, ParsedLockfile } from '../types.js';

const entry = z.looseObject({ version: z.string().optional() });
const lockSchema = z.looseObject({
  default: z.record(z.string(), entry).optional(),
  develop: z.record(z.string(), entry).optional(),
});

/** Pipfile.lock: `default` is production, `develop` dev (a package pinned identically in both is production). */
export function parsePipfileLock(input: LockfileInput): ParsedLockfile {
  if (input.text.trim() === '') return { packages: [] };
  const parsed = lockSchema.safeParse(parseJsonLockfile(input.file, input.text));
  if (!parsed.success) throw malformedLockfile(input.file, 'expected `default`/`develop` objects');
  const lines = jsonKeyLines(input.text);
  const used = new Map<string, number>();
  const lineOf = (name: string): number => {
    const at = used.get(name) ?? 0;
    used.set(name, at + 1);
    return lines.get(name)?.[at] ?? 1;
  };
  const packages: Package[] = [];
  const prod = new Set<string>();
  for (const [name, e] of Object.entries(parsed.data.default ?? {})) {
    const line = lineOf(name);
    if (!e.version) continue;
    const version = e.version.replace(/^==/, '');
    prod.add(`${name}@${version}`);
    packages.push({ ecosystem: 'PyPI', name, version, direct: true, dev: false, line });
  }
  for (const [name, e] of Object.entries(parsed.data.develop ?? {})) {
    const line = lineOf(name);
    if (!e.version) continue;
    const version = e.version.replace(/^==/, '');
    if (prod.has(`${name}@${version}`)) continue;
    packages.push({ ecosystem: 'PyPI', name, version, direct: true, dev: true, line });
  }
  return { packages };
}
