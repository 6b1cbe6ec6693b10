import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CircleError, errnoCode } from '../../errors.js';

export const IGNORE_FILE = path.join('.circle', 'scan-ignore.yaml');

const dateish = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'not a date (use YYYY-MM-DD)' });
    return z.NEVER;
  }
  return d;
});

const entrySchema = z.strictObject({
  /** An advisory id or any of its aliases (CVE-…, GHSA-…). */
  id: z.string().min(1),
  /** Limit the ignore to one package name; all packages when absent. */
  package: z.string().min(1).optional(),
  reason: z.string().trim().min(1, 'every ignore needs a reason'),
  expires: dateish,
});
const fileSchema = z.strictObject({ ignore: z.array(entrySchema).default([]) });

export type IgnoreEntry = z.infer<typeof entrySchema>;

export interface IgnoreRules {
  file?: string;
  entries: IgnoreEntry[];
}

/** Reads `.circle/scan-ignore.yaml` under `root`; no file means no ignores. A malformed file is a usage error, never silently skipped. */
export async function loadIgnoreRules(root: string, file?: string): Promise<IgnoreRules> {
  const target = file ?? path.join(root, IGNORE_FILE);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' && file === undefined) return { entries: [] };
    throw new CircleError(errnoCode(error) === 'ENOENT' ? 'NOT_FOUND' : 'IO', `Cannot read ignore file ${target}`, { cause: error });
  }
  let doc: unknown;
  // yaml is loaded only when there is an ignore file: most scans have none, and start-up is benchmarked.
  const { parse: parseYaml } = await import('yaml');
  try {
    doc = parseYaml(text) ?? {};
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new CircleError('CONFIG_INVALID', `${target}${line ? `:${line}` : ''} is not valid YAML`, { cause: error });
  }
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CircleError('CONFIG_INVALID', `${target}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      hint: 'Each entry needs id, reason and expires (YYYY-MM-DD); package is optional.',
    });
  }
  return { file: target, entries: parsed.data.ignore };
}

export type IgnoreDecision = { ignored: true; entry: IgnoreEntry } | { ignored: false; expired?: IgnoreEntry };

/** Whether an advisory on a package is ignored now; an expired entry no longer ignores, and says so. */
export function decideIgnore(rules: IgnoreRules, ids: string[], packageName: string, now: Date): IgnoreDecision {
  let expired: IgnoreEntry | undefined;
  for (const entry of rules.entries) {
    if (!ids.includes(entry.id)) continue;
    if (entry.package !== undefined && entry.package !== packageName) continue;
    if (entry.expires.getTime() > now.getTime()) return { ignored: true, entry };
    expired = entry;
  }
  return expired ? { ignored: false, expired } : { ignored: false };
}
