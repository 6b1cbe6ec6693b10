import type { Severity } from '../report/types.js';
import type { AffectedSpec } from './match.js';

/** What the index keeps of one advisory for one package: enough to match and to report, nothing more. */
export interface IndexedAdvisory {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  score?: number;
  vector?: string;
  modified?: string;
  /** An advisory URL to show (the first ADVISORY/WEB reference). */
  url?: string;
  /** Each `affected[]` entry of this advisory that names the package. */
  affected: AffectedSpec[];
}

/** An advisory without its per-package ranges: what a report shows. Stored once per advisory. */
export type AdvisoryDetails = Omit<IndexedAdvisory, 'affected'>;

/** Where an advisory's details are in the index's details file: [byte offset, byte length]. */
export type AdvisoryRef = [offset: number, length: number];

/**
 * What the index keeps per (package, advisory) for matching: the ranges, and a
 * reference to the details, which a scan reads only for the advisories that hit.
 */
export interface AdvisoryCandidate {
  ref: AdvisoryRef;
  affected: AffectedSpec[];
}

/** Index key of a package name: PyPI names compare PEP 503-normalised, Packagist case-insensitively. */
export function normalizeName(ecosystem: string, name: string): string {
  if (ecosystem === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (ecosystem === 'Packagist') return name.toLowerCase();
  return name;
}

