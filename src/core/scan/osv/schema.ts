import { z } from 'zod';

/**
 * The subset of the OSV schema (https://ossf.github.io/osv-schema/) we read,
 * validated once as records enter the index. Unknown fields are ignored, so newer
 * schema versions still import.
 */
// Events are checked one by one at compaction: an event of a kind we do not know is dropped, not fatal.
const range = z.looseObject({
  type: z.string(),
  events: z.array(z.record(z.string(), z.unknown())).default([]),
});

const severity = z.looseObject({ type: z.string(), score: z.string() });

export const osvAffectedSchema = z.looseObject({
  package: z.looseObject({ ecosystem: z.string(), name: z.string(), purl: z.string().optional() }).optional(),
  ranges: z.array(range).optional(),
  versions: z.array(z.string()).optional(),
  severity: z.array(severity).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export const osvRecordSchema = z.looseObject({
  id: z.string().min(1),
  modified: z.string().optional(),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).nullish(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(severity).nullish(),
  affected: z.array(osvAffectedSchema).nullish(),
  references: z.array(z.looseObject({ type: z.string().optional(), url: z.string() })).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
});
export type OsvRecord = z.infer<typeof osvRecordSchema>;
