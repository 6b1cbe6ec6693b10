import cvss from 'ae-cvss-calculator';
import type { Severity } from '../report/types.js';
import type { OsvRecord } from './schema.js';

export interface RatedSeverity {
  severity: Severity;
  /** CVSS base score when one was computed. */
  score?: number;
  /** The vector the score came from. */
  vector?: string;
}

/** CVSS v3/v4 qualitative rating scale (FIRST CVSS v3.1 spec §5): 0 none, <4 low, <7 medium, <9 high, else critical. */
export function severityFromScore(score: number): Severity {
  if (score <= 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'moderate';
  if (score < 9) return 'high';
  return 'critical';
}

/** Scores one CVSS vector with ae-cvss-calculator; undefined when the vector is malformed. */
export function scoreVector(vector: string): number | undefined {
  try {
    let v;
    if (vector.startsWith('CVSS:4.0/')) v = new cvss.Cvss4P0(vector);
    else if (vector.startsWith('CVSS:3.1/')) v = new cvss.Cvss3P1(vector);
    else if (vector.startsWith('CVSS:3.0/')) v = new cvss.Cvss3P0(vector);
    else v = new cvss.Cvss2(vector);
    const overall = v.calculateScores().overall;
    return Number.isFinite(overall) ? overall : undefined;
  } catch {
    return undefined;
  }
}

const WORDS: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'moderate',
  medium: 'moderate',
  low: 'low',
  negligible: 'low',
  none: 'none',
};

/**
 * An advisory's severity: the highest CVSS v4/v3 score among its vectors, else
 * the database's own rating (`database_specific.severity`, GHSA style). Unrated
 * advisories count as moderate, GitHub's default, so that a `--fail-on moderate`
 * gate never silently passes an advisory just because nobody scored it.
 */
export function rateAdvisory(record: OsvRecord): RatedSeverity {
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  let best: RatedSeverity | undefined;
  for (const order of ['CVSS_V4', 'CVSS_V3', 'CVSS_V2']) {
    for (const s of vectors.filter((v) => v.type === order)) {
      const score = scoreVector(s.score);
      if (score !== undefined && (best?.score === undefined || score > best.score)) best = { severity: severityFromScore(score), score, vector: s.score };
    }
    if (best) return best;
  }
  const words = [record.database_specific?.severity, ...(record.affected ?? []).flatMap((a) => [a.database_specific?.severity, a.ecosystem_specific?.severity])];
  for (const w of words) {
    if (typeof w === 'string' && WORDS[w.toLowerCase()]) return { severity: WORDS[w.toLowerCase()]! };
  }
  return { severity: 'moderate' };
}
