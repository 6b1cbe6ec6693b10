import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CircleError, errnoCode } from '../../errors.js';
import { writeFileAtomic } from '../../home/atomic.js';
import type { ScanFinding } from '../report/types.js';

const BaselineSchema = z
  .object({
    format: z.literal('circle-secrets-baseline'),
    // 1: fingerprints of locations (path, line); 2: of the rule and the secret, so moves keep them.
    version: z.union([z.literal(1), z.literal(2)]),
    fingerprints: z.array(z.string().regex(/^[0-9a-f]{32}$/)),
  })
  .strict();

export type SecretsBaseline = z.infer<typeof BaselineSchema>;

export async function readBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new CircleError('NOT_FOUND', `Baseline file not found: ${file}`, { hint: 'Create it with --write-baseline FILE.' });
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CircleError('CONFIG_INVALID', `Baseline ${file} is not valid JSON`, { cause: error });
  }
  const parsed = BaselineSchema.safeParse(raw);
  if (!parsed.success) throw new CircleError('CONFIG_INVALID', `Baseline ${file} is not a circle secrets baseline (format circle-secrets-baseline, version 1 or 2)`);
  return new Set(parsed.data.fingerprints);
}

/** The baseline holds fingerprints only (no paths, no secrets), sorted for stable diffs. */
export async function writeBaseline(file: string, findings: ScanFinding[]): Promise<SecretsBaseline> {
  const doc: SecretsBaseline = {
    format: 'circle-secrets-baseline',
    version: 2,
    fingerprints: [...new Set(findings.map((f) => f.fingerprint))].sort(),
  };
  // A project file meant to be committed: readable by the team, not private state.
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  return doc;
}
