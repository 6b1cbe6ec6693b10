import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CircleError, errnoCode } from '../../errors.js';
import { SEVERITIES } from '../report/types.js';
import type { SecretRuleSpec } from './rules/types.js';

/** Where a project keeps its scan settings, relative to the scan root. */
export const CONFIG_FILE = '.circle/scan-secrets.yaml';

const RegexSource = z.string().min(1).max(2000).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const CustomRule = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are kebab-case'),
    title: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    severity: z.enum(SEVERITIES).default('high'),
    keywords: z.array(z.string().min(1).max(100)).min(1),
    regex: RegexSource,
    entropy: z.number().min(0).max(8).optional(),
  })
  .strict();

export const ScanSecretsConfigSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Built-in or custom rule ids to turn off. */
    disable: z.array(z.string()).default([]),
    rules: z.array(CustomRule).default([]),
    allowlist: z
      .object({
        /** gitignore-style path patterns that are never scanned. */
        paths: z.array(z.string().min(1)).default([]),
        /** Regexes: a finding whose secret or line matches one is dropped. */
        patterns: z.array(RegexSource).default([]),
      })
      .strict()
      .default({ paths: [], patterns: [] }),
    maxFileSize: z.number().int().positive().optional(),
  })
  .strict();

export type ScanSecretsConfig = z.infer<typeof ScanSecretsConfigSchema>;

export const EMPTY_CONFIG: ScanSecretsConfig = ScanSecretsConfigSchema.parse({});

/** Reads and validates the project config; no file means defaults. */
export async function loadScanSecretsConfig(root: string, explicit?: string): Promise<{ config: ScanSecretsConfig; file?: string }> {
  const file = explicit ?? join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' && explicit === undefined) return { config: EMPTY_CONFIG };
    if (errnoCode(error) === 'ENOENT') throw new CircleError('NOT_FOUND', `Config file not found: ${file}`);
    throw error;
  }
  const { parse } = await import('yaml');
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new CircleError('CONFIG_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const result = ScanSecretsConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CircleError('CONFIG_INVALID', `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, {
      hint: 'See docs/scan-secrets.md for the file format.',
    });
  }
  return { config: result.data, file };
}

/** Custom rules from the config, in the built-in rule shape (their examples are empty). */
export function customRuleSpecs(config: ScanSecretsConfig): SecretRuleSpec[] {
  return config.rules.map((r) => ({
    id: r.id,
    title: r.title ?? r.id,
    ...(r.description === undefined ? {} : { description: r.description }),
    severity: r.severity,
    keywords: r.keywords.map((k) => k.toLowerCase()),
    pattern: r.regex,
    ...(r.entropy === undefined ? {} : { entropy: r.entropy }),
    examples: { tp: [], fp: [] },
  }));
}
