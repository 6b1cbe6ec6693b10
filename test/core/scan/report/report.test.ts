import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toGithubAnnotations, toJsonReport, toSarif, escapeData, escapeProperty } from '../../../../src/core/scan/report/index.js';
import type { ScanReport, Severity } from '../../../../src/core/scan/report/index.js';
import { SEVERITIES } from '../../../../src/core/scan/report/index.js';
import { sarifValidator } from '../../../helpers/schemas.js';

const validateSarif = sarifValidator();

function sample(): ScanReport {
  return {
    scanner: 'secrets',
    root: '/tmp/some project',
    rules: [
      { id: 'aws-access-key-id', title: 'AWS access key ID', severity: 'high', description: 'An AWS key' },
      { id: 'unused-rule', title: 'Unused', severity: 'low' },
    ],
    findings: [
      {
        ruleId: 'aws-access-key-id',
        message: 'AWS access key ID AKIA…MPLE, value redacted',
        severity: 'high',
        location: { path: 'src/a b/config,1.ts', line: 3, column: 7, endLine: 3, endColumn: 27 },
        fingerprint: 'abc123',
        properties: { commit: 'deadbeef' },
      },
      {
        ruleId: 'GHSA-xxxx',
        message: 'lodash 4.17.0: prototype pollution',
        severity: 'critical',
        location: { path: 'package-lock.json' },
        fingerprint: 'def456',
      },
    ],
    warnings: [],
  };
}

describe('toSarif', () => {
  it('produces a log that validates against the official SARIF 2.1.0 schema', () => {
    const log = toSarif(sample(), { name: 'circle', version: '0.1.0', informationUri: 'https://example.com/circle' });
    const ok = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const log = toSarif(sample(), { name: 'circle', version: '0.1.0' }) as any;
    delete log.runs[0].results[0].message;
    expect(validateSarif(log)).toBe(false);
  });

  it('maps rules, levels, locations and fingerprints', () => {
    const log = toSarif(sample(), { name: 'circle', version: '0.1.0' }) as any;
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('circle');
    const ids = run.tool.driver.rules.map((r: any) => r.id);
    expect(ids).toEqual(['aws-access-key-id', 'unused-rule', 'GHSA-xxxx']);
    const [r0, r1] = run.results;
    expect(r0.ruleId).toBe('aws-access-key-id');
    expect(r0.ruleIndex).toBe(0);
    expect(r0.level).toBe('error');
    expect(r0.message.text).toContain('redacted');
    expect(r0.locations[0].physicalLocation.artifactLocation.uri).toBe('src/a%20b/config%2C1.ts');
    expect(r0.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 7, endLine: 3, endColumn: 27 });
    expect(r0.partialFingerprints['circleFingerprint/v1']).toBe('abc123');
    expect(r0.properties).toEqual({ commit: 'deadbeef' });
    expect(r1.ruleIndex).toBe(2);
    expect(r1.locations[0].physicalLocation.region).toBeUndefined();
  });

  it('maps every severity to a SARIF level', () => {
    const levels = SEVERITIES.map((s) => {
      const rep = sample();
      rep.findings = [{ ...rep.findings[0]!, severity: s }];
      return (toSarif(rep, { name: 'c', version: '1' }) as any).runs[0].results[0].level;
    });
    expect(levels).toEqual(['none', 'note', 'warning', 'error', 'error']);
  });

  it('stays schema-valid for arbitrary findings (property)', () => {
    const sev = fc.constantFrom<Severity>(...SEVERITIES);
    const finding = fc.record({
      ruleId: fc.string({ minLength: 1, maxLength: 20 }),
      message: fc.string(),
      severity: sev,
      location: fc.record({
        path: fc.string({ minLength: 1, maxLength: 30 }),
        line: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
        column: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
      }),
      fingerprint: fc.stringMatching(/^[0-9a-f]{1,16}$/),
    });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 5 }), (findings) => {
        const clean = findings.map((f) => ({
          ...f,
          location: Object.fromEntries(Object.entries(f.location).filter(([, v]) => v !== undefined)) as any,
        }));
        const log = toSarif({ ...sample(), findings: clean }, { name: 'circle', version: '0.1.0' });
        return validateSarif(log) === true;
      }),
      { numRuns: 50 },
    );
  });
});

describe('toGithubAnnotations', () => {
  it('writes one workflow command per finding with escaped properties and data', () => {
    const rep = sample();
    rep.findings[0]!.message = 'line1\nline2 100%\r';
    const out = toGithubAnnotations(rep);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=src/a b/config%2C1.ts,line=3,endLine=3,col=7,endColumn=27,title=aws-access-key-id%3A AWS access key ID::line1%0Aline2 100%25%0D',
    );
    expect(lines[1]).toBe('::error file=package-lock.json,title=GHSA-xxxx%3A GHSA-xxxx::lodash 4.17.0: prototype pollution');
  });

  it('uses warning/notice for lower severities and prints nothing for no findings', () => {
    const rep = sample();
    rep.findings = [
      { ...rep.findings[0]!, severity: 'moderate' },
      { ...rep.findings[0]!, severity: 'low' },
    ];
    const out = toGithubAnnotations(rep);
    expect(out.startsWith('::warning ')).toBe(true);
    expect(out.split('\n')[1]!.startsWith('::notice ')).toBe(true);
    expect(toGithubAnnotations({ ...rep, findings: [] })).toBe('');
  });

  it('escaping never leaves a raw newline, and properties never a raw comma or colon (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const d = escapeData(s);
        const p = escapeProperty(s);
        return !/[\r\n]/.test(d) && !/[\r\n,:]/.test(p);
      }),
    );
    expect(escapeData('a%b\r\nc')).toBe('a%25b%0D%0Ac');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });
});

describe('toJsonReport', () => {
  it('is plain data with a summary and only the rules that fired', () => {
    const j = toJsonReport(sample());
    expect(j.format).toBe('circle-scan-report');
    expect(j.version).toBe(1);
    expect(j.summary).toEqual({ findings: 2, bySeverity: { high: 1, critical: 1 }, rules: 2, warnings: 0 });
    expect(j.rules.map((r) => r.id)).toEqual(['aws-access-key-id']);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
