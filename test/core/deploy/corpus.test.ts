import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/core/deploy/checks.js';
import { parseManifests } from '../../../src/core/deploy/manifests.js';
import { SchemaValidator } from '../../../src/core/deploy/schema.js';
import { validateManifests } from '../../../src/core/deploy/validate.js';
import { repoRoot } from '../../helpers/cli.js';

const fixtures = join(repoRoot, 'test/fixtures/deploy');
const read = (path: string) => readFileSync(join(fixtures, path), 'utf8');

/** Runs one check alone, as `kube-linter lint --include <check> --do-not-auto-add-defaults` does. */
async function runCheck(check: string, file: string) {
  const stream = parseManifests(read(file), file);
  return validateManifests(stream, { root: fixtures, schema: false, settings: { only: [check] } });
}

describe('kube-linter fixtures: the expected check and count for every check we implement', () => {
  const expected = JSON.parse(read('kube-linter/expected.json')) as { tests: { check: string | null; file: string; expected_report_count: number; exit_status: number }[] };
  const implemented = new Set(CHECKS.flatMap((c) => (c.kubeLinter ? [c.kubeLinter] : [])));
  const cases = expected.tests.filter((t) => t.check !== null && implemented.has(t.check));

  it('covers every kube-linter-named check', () => {
    expect(new Set(cases.map((c) => c.check))).toEqual(implemented);
  });

  it.each(cases.map((c) => [c.check!, c.file, c.expected_report_count] as const))('%s on %s reports %i', async (check, file, count) => {
    const report = await runCheck(check, `kube-linter/${file}`);
    expect(report.findings.map((f) => f.ruleId).every((id) => CHECKS.find((c) => c.id === id)?.kubeLinter === check)).toBe(true);
    expect(report.findings).toHaveLength(count);
  });
});

describe('Polaris fixtures: success/failure for every check we implement', () => {
  const rows = read('polaris/expected.tsv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter(([check, , expected]) => expected !== 'mutated' && CHECKS.some((c) => c.polaris === check));
  const implemented = new Set(CHECKS.flatMap((c) => (c.polaris ? [c.polaris] : [])));

  it('has fixtures for every Polaris-named check', () => {
    expect(new Set(rows.map(([check]) => check))).toEqual(implemented);
  });

  it.each(rows.map(([check, file, expected]) => [check!, file!, expected!] as const))('%s on %s is a %s', async (check, file, expected) => {
    const report = await runCheck(check, `polaris/${file}`);
    expect(report.findings.length > 0 ? 'failure' : 'success').toBe(expected);
  });
});

describe('kubeconform fixtures: its verdicts, strict and not', () => {
  // The plain-validation acceptance tests of kubeconform (its flags → ours); the others test
  // kubeconform's own flags (-cache, -output tap, -skip, registries over HTTP) and do not apply.
  const cases: { file: string; strict: boolean; valid: boolean; resources?: number; ignoreMissing?: boolean }[] = [
    { file: 'valid.yaml', strict: false, valid: true, resources: 1 },
    { file: 'valid.json', strict: false, valid: true, resources: 1 },
    { file: 'int_or_string.yaml', strict: false, valid: true },
    { file: 'generate_name.yaml', strict: false, valid: true },
    { file: 'quantity.yaml', strict: false, valid: true },
    { file: 'null_string.yaml', strict: false, valid: true, resources: 1 },
    { file: 'multi_valid.yaml', strict: false, valid: true, resources: 6 },
    { file: 'multi_invalid.yaml', strict: false, valid: false },
    { file: 'invalid.yaml', strict: false, valid: false },
    { file: 'blank.yaml', strict: false, valid: true, resources: 0 },
    { file: 'comment.yaml', strict: false, valid: true, resources: 0 },
    { file: 'missing_kind.yaml', strict: false, valid: false },
    { file: 'missing_apiversion.yaml', strict: false, valid: false },
    { file: 'missing_kind_value.yaml', strict: false, valid: false },
    { file: 'test_crd.yaml', strict: false, valid: false },
    { file: 'test_crd.yaml', strict: false, valid: true, ignoreMissing: true },
    { file: 'extra_property.yaml', strict: false, valid: true, resources: 1 },
    { file: 'extra_property.yaml', strict: true, valid: false },
    { file: 'duplicate_property.yaml', strict: true, valid: false },
    { file: 'duplicate_property.yaml', strict: false, valid: true },
    { file: 'list_valid.yaml', strict: false, valid: true, resources: 6 },
    { file: 'list_invalid.yaml', strict: false, valid: false },
    { file: 'list_empty_valid.yaml', strict: false, valid: true, resources: 0 },
    { file: 'multi_with_list.yaml', strict: false, valid: true, resources: 2 },
    { file: 'folder/valid.yaml', strict: false, valid: true },
    { file: 'folder/multi_valid.yaml', strict: false, valid: true },
  ];

  it('lists only tests that kubeconform itself expects (exit status from expected.json)', () => {
    const tests = (JSON.parse(read('kubeconform/expected.json')) as { tests: { command: string; exit_status: number; fixtures: string[] }[] }).tests;
    for (const c of cases.filter((x) => !x.file.startsWith('folder/'))) {
      const flags = `${c.strict ? '-strict ' : ''}${c.ignoreMissing ? '-ignore-missing-schemas ' : ''}`;
      const match = tests.find((t) => t.fixtures.length === 1 && t.fixtures[0] === `fixtures/${c.file}` && t.command.includes(flags) && (c.strict || !t.command.includes('-strict')) && (c.ignoreMissing || !t.command.includes('-ignore-missing-schemas')));
      expect(match, c.file).toBeDefined();
      expect(match!.exit_status === 0, `${flags}${c.file}`).toBe(c.valid);
    }
  });

  it('validates a CRD against a schema from --schema-dir (kubeconform -schema-location fixtures/registry)', async () => {
    const stream = parseManifests(read('kubeconform/fixtures/test_crd.yaml'), 'test_crd.yaml');
    const validator = await SchemaValidator.create({ strict: false, schemaDir: join(fixtures, 'kubeconform/fixtures/registry') });
    const report = await validateManifests(stream, { root: fixtures, policy: false, validator });
    expect(report.stats?.noSchema).toBe(0);
    expect(report.findings).toEqual([]);
    // and the same schema catches a broken object of that kind
    const broken = parseManifests(read('kubeconform/fixtures/test_crd.yaml').replace('  hyperParameters:\n', '  hyperParameters: 7\n  ignored:\n'), 'x.yaml');
    const bad = await validateManifests(broken, { root: fixtures, policy: false, validator });
    expect(bad.findings.length).toBeGreaterThan(0);
  });

  const validators = new Map<boolean, Promise<SchemaValidator>>();
  const validatorFor = (strict: boolean) => {
    if (!validators.has(strict)) validators.set(strict, SchemaValidator.create({ strict }));
    return validators.get(strict)!;
  };

  it.each(cases.map((c) => [c.file, c.strict ? 'strict' : 'lenient', c.valid ? 'valid' : 'invalid', c] as const))('%s (%s) is %s', async (file, _mode, _verdict, c) => {
    const stream = parseManifests(read(`kubeconform/fixtures/${file}`), file, { rejectDuplicateKeys: c.strict });
    const validator = await validatorFor(c.strict);
    const report = await validateManifests(stream, { root: fixtures, policy: false, validator });
    // kubeconform fails on a kind it has no schema for unless -ignore-missing-schemas.
    const missing = c.ignoreMissing ? 0 : (report.stats?.noSchema ?? 0);
    expect(report.findings.length === 0 && missing === 0, JSON.stringify(report.findings.map((f) => f.message))).toBe(c.valid);
    if (c.resources !== undefined) expect(stream.manifests).toHaveLength(c.resources);
  });
});
