/**
 * The public API is reviewed like the command surface: etc/api-report.md lists every export of
 * every entry point with its declaration, and a change to the API fails here until the report
 * is regenerated (`node scripts/api-report.mjs` after `npm run build`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

// @ts-expect-error: a plain .mjs script without type declarations
const { generateApiReport, entryPoints } = (await import('../../scripts/api-report.mjs')) as {
  generateApiReport: () => string;
  entryPoints: () => { name: string; types: string }[];
};

describe('API report (etc/api-report.md)', () => {
  const report = generateApiReport();

  it('matches the built declarations', () => {
    expect(report).toBe(readFileSync(join(repoRoot, 'etc/api-report.md'), 'utf8'));
  });

  it('has a section per entry point, and leaves out what is not public', () => {
    for (const entry of entryPoints()) expect(report).toContain(`\n## ${entry.name}\n`);
    expect(report).not.toMatch(/\bputSystemSecret\b/); // writes vault secrets without a role check: internal
    expect(report).not.toMatch(/^\s+private /m);
  });
});
