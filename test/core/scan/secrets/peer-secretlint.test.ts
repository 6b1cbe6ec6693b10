import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../../../src/core/scan/secrets/rules/index.js';
import { SecretDetector } from '../../../../src/core/scan/secrets/engine.js';
import { looksBinary } from '../../../../src/core/scan/secrets/binary.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
const base = resolve(repoRoot, 'test/fixtures/scan/secretlint/preset-recommend-snapshots');

/**
 * Cases where we differ from secretlint on purpose, with the reason. Everything
 * else must agree: a case the peer flags is flagged, a case it passes is passed.
 */
const DIVERGENT: Record<string, string> = {
  'aws/ng.AWS Account ID': 'an account id is an identifier, not a credential',
  'aws/ok.AWS Access Key ID--enableIDScanRule-false': 'peer option that turns the key-id rule off',
  'aws/options.allows': 'peer option (allow list) given in options.ts',
  'aws/ok.AWS Secret Access Key': 'a 40+ char base64 value assigned to AWS_SECRET_ACCESS_KEY is reported',
  'basicauth/ng.basic-auth-ftps-url': 'we also treat ftps:// URLs with a password as a leak',
  'figma/ok.allows': 'peer option (allow list) given in options.ts',
  'groq/ok.allows': 'peer option (allow list) given in options.ts',
  'tailscale/ok.allows': 'peer option (allow list) given in options.ts',
  'gcp/ng.privatekey-p12': 'binary PKCS#12 files are skipped like every binary file',
  'gcp/ng.privatekey-p12-sha256-mac': 'binary PKCS#12 files are skipped like every binary file',
  'gcp/ng.privatekey-p12-sha384-mac': 'binary PKCS#12 files are skipped like every binary file',
  'gcp/ng.privatekey-p12-sha512-mac': 'binary PKCS#12 files are skipped like every binary file',
};

interface PeerCase { name: string; input: Buffer; expected: number }

function loadCases(): PeerCase[] {
  const cases: PeerCase[] = [];
  for (const ruleDir of readdirSync(base)) {
    for (const caseDir of readdirSync(resolve(base, ruleDir))) {
      const dir = resolve(base, ruleDir, caseDir);
      const names = readdirSync(dir).filter((f) => !['output.json', 'options.ts', 'options.json', 'README.md', '.secretlintrc.json'].includes(f));
      const inputName = names.find((f) => f.startsWith('input')) ?? names[0];
      if (inputName === undefined) continue;
      const out = JSON.parse(readFileSync(resolve(dir, 'output.json'), 'utf8'));
      const messages = (Array.isArray(out) ? out[0]?.messages : out.messages) ?? [];
      cases.push({ name: `${ruleDir.replace('secretlint-rule-', '')}/${caseDir}`, input: readFileSync(resolve(dir, inputName)), expected: messages.length });
    }
  }
  return cases;
}

const cases = loadCases();
const strict = new SecretDetector(BUILTIN_RULES);
// The peer's "ng" samples are often typed fakes (`AAAA…`, `abcdefgh…`, `EXAMPLE`) that our
// placeholder filter drops by design; coverage of the patterns is checked with it off.
const coverage = new SecretDetector(BUILTIN_RULES, { placeholders: false });

describe('secretlint preset-recommend peer cases', () => {
  it('loads all 115 cases', () => {
    expect(cases.length).toBe(115);
  });

  for (const c of cases) {
    if (DIVERGENT[c.name] !== undefined) continue;
    if (c.expected > 0) {
      it(`${c.name}: flags at least one secret (peer: ${c.expected})`, () => {
        expect(looksBinary(c.input)).toBe(false);
        expect(coverage.detect(c.input.toString('utf8')).length).toBeGreaterThan(0);
      });
    } else {
      it(`${c.name}: flags nothing`, () => {
        if (looksBinary(c.input)) return;
        expect(strict.detect(c.input.toString('utf8')).map((f) => f.ruleId)).toEqual([]);
      });
    }
  }

  it('every divergence names a real case', () => {
    for (const name of Object.keys(DIVERGENT)) expect(cases.some((c) => c.name === name), name).toBe(true);
  });
});
