import { z } from 'zod';
import { CircleError } from '../errors.js';

/**
 * The registry's metadata for one package, in npm's packument shape, so npm
 * tooling can read it: `versions`, `dist-tags`, `time`, each version's `dist`
 * (`tarball`, `integrity`, `shasum`, `fileCount`, `unpackedSize`, `signatures`)
 * and `deprecated`. `yanked` is circle's (Cargo's meaning: resolution skips the
 * version unless a lockfile already holds it; it stays downloadable).
 *
 * Read from a store anyone with write access may have edited, so it is validated
 * on every read; the signatures, not this document, are what install trusts.
 */
const signatureSchema = z.object({ keyid: z.string().max(200), sig: z.string().max(200) });

export const distSchema = z.looseObject({
  tarball: z.string().max(2048),
  integrity: z.string().max(1024),
  shasum: z.string().max(128).optional(),
  fileCount: z.number().int().nonnegative().optional(),
  unpackedSize: z.number().int().nonnegative().optional(),
  signatures: z.array(signatureSchema).max(16).optional(),
});

export const packumentVersionSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  dist: distSchema,
  deprecated: z.string().max(4096).optional(),
  yanked: z.boolean().optional(),
});
export type PackumentVersion = z.infer<typeof packumentVersionSchema>;

export const packumentSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  'dist-tags': z.record(z.string(), z.string()),
  versions: z.record(z.string(), packumentVersionSchema),
  time: z.record(z.string(), z.string()),
});
export type Packument = z.infer<typeof packumentSchema>;

export function parsePackument(text: string, name: string): Packument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CircleError('INTEGRITY', `The registry's metadata for ${name} is not valid JSON`);
  }
  const parsed = packumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CircleError('INTEGRITY', `The registry's metadata for ${name} is malformed${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`);
  }
  if (parsed.data.name !== name) throw new CircleError('INTEGRITY', `The registry's metadata for ${name} names another package (${parsed.data.name.slice(0, 100)})`);
  for (const [version, meta] of Object.entries(parsed.data.versions)) {
    if (meta.name !== name || meta.version !== version) throw new CircleError('INTEGRITY', `The registry's metadata for ${name}@${version.slice(0, 50)} is inconsistent`);
  }
  return parsed.data;
}

export function emptyPackument(name: string, now: string): Packument {
  return { name, 'dist-tags': {}, versions: {}, time: { created: now, modified: now } };
}

/** npm's keys endpoint shape (`/-/npm/v1/keys`), with Ed25519 keys. */
export const keysDocumentSchema = z.object({
  keys: z
    .array(
      z.object({
        keyid: z.string().max(200),
        keytype: z.string().max(40),
        scheme: z.string().max(40),
        /** base64 DER SubjectPublicKeyInfo. */
        key: z.string().max(1024),
        /** When set, signatures on versions published after this are invalid. */
        expires: z.string().nullable(),
      }),
    )
    .max(10_000),
});
export type KeysDocument = z.infer<typeof keysDocumentSchema>;

export const searchIndexSchema = z.object({
  packages: z.record(
    z.string(),
    z.object({
      version: z.string(),
      description: z.string().optional(),
      keywords: z.array(z.string()).optional(),
      date: z.string(),
    }),
  ),
});
export type SearchIndex = z.infer<typeof searchIndexSchema>;
