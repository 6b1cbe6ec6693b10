import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../../../src/core/scan/secrets/rules/index.js';
import { SecretDetector } from '../../../../src/core/scan/secrets/engine.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
const corpus = resolve(repoRoot, 'test/fixtures/scan/gitleaks');

interface Case { kind: string; text?: string; identifier?: string; secret?: string }
interface PeerRule { ruleId: string; tps: Case[]; fps: Case[] }
const peer: PeerRule[] = JSON.parse(readFileSync(resolve(corpus, 'rule-cases.json'), 'utf8')).rules;
const template = JSON.parse(readFileSync(resolve(corpus, 'sample-secret-templates.json'), 'utf8')).GenerateSampleSecret as string;

/**
 * gitleaks rule id → our rule id. The peer requires every literal true positive to
 * be found and no literal false positive to be found by that rule.
 */
const MAPPED: Record<string, string> = {
  '1password-service-account-token': 'onepassword-service-account-token',
  '1password-secret-key': 'onepassword-secret-key',
  'age-secret-key': 'age-secret-key',
  'anthropic-api-key': 'anthropic-api-key',
  'anthropic-admin-api-key': 'anthropic-admin-api-key',
  'atlassian-api-token': 'atlassian-api-token',
  'aws-access-token': 'aws-access-key-id',
  'aws-amazon-bedrock-api-key-long-lived': 'aws-bedrock-api-key',
  'azure-ad-client-secret': 'azure-ad-client-secret',
  'cloudflare-origin-ca-key': 'cloudflare-origin-ca-key',
  'databricks-api-token': 'databricks-api-token',
  'grafana-cloud-api-token': 'grafana-cloud-api-token',
  'grafana-service-account-token': 'grafana-service-account-token',
  'hashicorp-tf-api-token': 'hashicorp-tf-api-token',
  'vault-service-token': 'hashicorp-vault-service-token',
  'vault-batch-token': 'hashicorp-vault-batch-token',
  'heroku-api-key-v2': 'heroku-api-key-v2',
  'huggingface-access-token': 'huggingface-access-token',
  'huggingface-organization-api-token': 'huggingface-organization-api-token',
  'infracost-api-token': 'infracost-api-token',
  jwt: 'jwt',
  'notion-api-token': 'notion-integration-token',
  'octopus-deploy-api-key': 'octopus-deploy-api-key',
  'openai-api-key': 'openai-api-key',
  'openshift-user-token': 'openshift-user-token',
  'perplexity-api-key': 'perplexity-api-key',
  'private-key': 'private-key',
  'scalingo-api-token': 'scalingo-api-token',
  'sentry-org-token': 'sentry-org-token',
  'sidekiq-sensitive-url': 'basic-auth-url',
  'slack-bot-token': 'slack-bot-token',
  'slack-user-token': 'slack-user-token',
  'slack-app-token': 'slack-app-token',
  'slack-config-access-token': 'slack-config-token',
  'slack-config-refresh-token': 'slack-config-token',
  'slack-webhook-url': 'slack-webhook-url',
  'square-access-token': 'square-access-token',
  'square-secret': 'square-secret',
};

/**
 * Peer false positives we report on purpose. gitleaks drops these Google API keys
 * through a list of known public keys; we flag any well-formed key.
 */
const FP_DIVERGENT = new Set(['gcp-api-key']);

function text(c: Case): string {
  if (c.kind === 'raw') return c.text as string;
  return template.replace('{i}', c.identifier as string).replace('{s}', c.secret as string);
}

// gitleaks has no placeholder-word filter (its samples are often `QQQQ…`), so true
// positives are checked for pattern coverage with that filter off.
const coverage = new SecretDetector(BUILTIN_RULES, { placeholders: false });
const byId = new Map(BUILTIN_RULES.map((r) => [r.id, r] as const));

describe('gitleaks peer cases', () => {
  it('maps at least 35 gitleaks rules', () => {
    expect(Object.keys(MAPPED).length).toBeGreaterThanOrEqual(35);
    for (const [peerId, ours] of Object.entries(MAPPED)) {
      expect(peer.some((r) => r.ruleId === peerId), peerId).toBe(true);
      expect(byId.has(ours), ours).toBe(true);
    }
  });

  for (const rule of peer.filter((r) => MAPPED[r.ruleId] !== undefined)) {
    const ours = byId.get(MAPPED[rule.ruleId] as string)!;
    const alone = new SecretDetector([ours]);
    it(`${rule.ruleId}: finds every literal true positive (${rule.tps.length})`, () => {
      for (const c of rule.tps) expect(coverage.detect(text(c)).length, text(c).slice(0, 80)).toBeGreaterThan(0);
    });
    it(`${rule.ruleId}: no literal false positive from ${ours.id} (${rule.fps.length})`, () => {
      for (const c of rule.fps) expect(alone.detect(text(c)), text(c).slice(0, 80)).toEqual([]);
    });
  }

  it('gcp-api-key: finds the true positives (false positives diverge on purpose)', () => {
    const rule = peer.find((r) => r.ruleId === 'gcp-api-key')!;
    expect(FP_DIVERGENT.has(rule.ruleId)).toBe(true);
    for (const c of rule.tps) expect(coverage.detect(text(c)).length).toBeGreaterThan(0);
  });
});
