/**
 * issue 14 item 4: recall and precision of the generic rules, measured over generated cases.
 * Recall: random credentials of 20+ characters assigned to secret-looking names are found
 * (≥ 90%). Precision: digests, ids and documented example keys that sit in the same places
 * stay unflagged. The generator is seeded, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretDetector } from '../../../../src/core/scan/secrets/engine.js';
import { BUILTIN_RULES } from '../../../../src/core/scan/secrets/rules/index.js';

const detector = new SecretDetector(BUILTIN_RULES);

const alphabets = {
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  lowerDigits: 'abcdefghijklmnopqrstuvwxyz0123456789',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
};

const secretNames = [
  'api_key', 'API_KEY', 'apiKey', 'api_token', 'API_TOKEN', 'auth_token', 'AUTH_TOKEN', 'access_token', 'access_key',
  'client_secret', 'CLIENT_SECRET', 'secret_key', 'SECRET_KEY', 'private_key', 'service_token', 'STRIPE_SECRET',
  'github_token', 'slack_token', 'mailgun_api_key', 'x-api-key', 'secret', 'token', 'credentials',
];

/** How a value is written next to its name, in the languages and formats people commit. */
const layouts = [
  (n: string, v: string) => `${n} = "${v}"`,
  (n: string, v: string) => `${n}: ${v}`,
  (n: string, v: string) => `export ${n.toUpperCase().replace(/-/g, '_')}=${v}`,
  (n: string, v: string) => `  "${n}": "${v}",`,
  (n: string, v: string) => `const ${n.replace(/-/g, '_')} = '${v}';`,
  (n: string, v: string) => `${n}: "${v}"`,
];

const randomString = (chars: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((a) => a.join(''));

const credential = fc.oneof(...Object.values(alphabets).map((chars) => randomString(chars, 20, 64)));

const hex = (n: number) => randomString(alphabets.hex, n, n);
const uuid = fc.uuid();
const digestNames = ['token_hash', 'api_key_hash', 'secret_sha256', 'checksum', 'SHA256_CHECKSUM', 'file_checksum', 'integrity', 'password_digest', 'key_fingerprint', 'commit_sha'];

/** Values that look random but are not secrets, each in the place it is usually found. */
const notSecret = fc.oneof(
  // sha256 digests assigned to *_hash / checksum names
  fc.tuple(fc.constantFrom(...digestNames), hex(64), fc.constantFrom(...layouts)).map(([n, v, l]) => l(n, v)),
  // git SHAs: a commit, a rev, a pinned action, a lockfile's resolved URL
  hex(40).map((sha) => `    rev: ${sha}`),
  hex(40).map((sha) => `      - uses: actions/checkout@${sha}`),
  hex(40).map((sha) => `  "resolved": "git+ssh://git@github.com/acme/lib.git#${sha}",`),
  fc.tuple(fc.constantFrom('commit', 'sha', 'GIT_SHA', 'revision', 'token_commit'), hex(40)).map(([n, sha]) => `${n} = "${sha}"`),
  // lockfile integrity strings
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => `      "integrity": "sha512-${Buffer.from(b).toString('base64')}",`),
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => `  integrity sha512-${Buffer.from(b).toString('base64')}`),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `token_integrity = "sha256-${Buffer.from(b).toString('base64')}"`),
  // UUIDs, also under names like request_token_id or client id
  fc.tuple(fc.constantFrom('request_id', 'trace_token_id', 'client_id', 'api_key_id', 'secret_ref', 'token'), uuid).map(([n, u]) => `${n} = "${u}"`),
  // documented example keys
  fc.constantFrom(
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'AWS_SECRET_ACCESS_KEY: je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
    'api_key = "YOUR_API_KEY_HERE_1234567890"',
    'STRIPE_SECRET_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'token: "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    'client_secret = "<your-client-secret-1234567890>"',
    'secret_key = "0123456789abcdef0123456789abcdef"',
  ),
);

function rate<T>(arb: fc.Arbitrary<T>, count: number, hit: (sample: T) => boolean): { rate: number; misses: T[] } {
  const samples = fc.sample(arb, { numRuns: count, seed: 14 });
  const misses = samples.filter((s) => !hit(s));
  return { rate: 1 - misses.length / samples.length, misses };
}

describe('generic secret rules over generated cases (issue 14 item 4)', () => {
  it('find at least 90% of random credentials of 20+ chars assigned to secret-looking names', () => {
    const cases = fc.tuple(fc.constantFrom(...secretNames), credential, fc.constantFrom(...layouts));
    const { rate: recall, misses } = rate(cases, 3000, ([name, value, layout]) => detector.detect(layout(name, value)).some((m) => m.secret === value));
    console.log(`generic recall: ${(recall * 100).toFixed(1)}% of 3000; first misses: ${misses.slice(0, 5).map(([n, v, l]) => l(n, v)).join(' | ')}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  for (const [name, chars] of Object.entries(alphabets)) {
    it(`find at least 90% of random ${name} keys of 32 and 40 chars`, () => {
      const cases = fc.tuple(fc.constantFrom(...secretNames), fc.oneof(randomString(chars, 32, 32), randomString(chars, 40, 40)));
      const { rate: recall } = rate(cases, 500, ([n, v]) => detector.detect(`${n} = "${v}"`).some((m) => m.secret === v));
      expect(recall).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('leave digests, git SHAs, integrity strings, UUIDs and documented example keys unflagged', () => {
    const { rate: clean, misses } = rate(notSecret, 3000, (line) => detector.detect(line).length === 0);
    console.log(`false positives: ${((1 - clean) * 100).toFixed(2)}% of 3000; first: ${misses.slice(0, 5).join(' | ')}`);
    expect(misses).toEqual([]);
  });
});

describe('formats issue 14 found missing', () => {
  const rnd = (chars: string, n: number) => fc.sample(randomString(chars, n, n), { numRuns: 1, seed: n })[0]!;
  const pemKey = `-----BEGIN RSA PRIVATE KEY-----\n${Array.from({ length: 6 }, (_, i) => rnd(alphabets.base64, 60 + i)).join('\n')}\n-----END RSA PRIVATE KEY-----\n`;
  const cases: Array<[string, string, string]> = [
    ['bare Telegram bot token', `TELEGRAM=${rnd('0123456789', 10)}:AA${rnd(alphabets.base64url, 33)}`, 'telegram-bot-token-bare'],
    ['Stripe rk_live_', `key = rk_live_${rnd(alphabets.alnum, 40)}`, 'stripe-restricted-key-live'],
    ['Stripe rk_prod_', `key = rk_prod_${rnd(alphabets.alnum, 40)}`, 'stripe-restricted-key-prod'],
    ['Slack xoxa-', `SLACK=xoxa-2-${rnd(alphabets.alnum, 36)}`, 'slack-legacy-workspace-token'],
    ['Slack xoxs-', `SLACK=xoxs-${rnd('0123456789', 10)}-${rnd('0123456789', 11)}-${rnd('0123456789', 12)}-${rnd(alphabets.hex, 20)}`, 'slack-legacy-user-token'],
    ['Sourcegraph sgp_', `SRC_ACCESS_TOKEN=sgp_${rnd(alphabets.hex, 40)}`, 'sourcegraph-access-token-v2'],
    ['Sourcegraph sgp_<instance>_', `SRC_ACCESS_TOKEN=sgp_${rnd(alphabets.hex, 16)}_${rnd(alphabets.hex, 40)}`, 'sourcegraph-instance-access-token'],
    ['Docker config.json auths', JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`ci:${rnd(alphabets.alnum, 30)}`).toString('base64') } } }, null, '\t'), 'docker-config-auth'],
    ['kubeconfig token:', `apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    token: ${rnd(alphabets.lowerDigits, 6)}.${rnd(alphabets.lowerDigits, 16)}${rnd(alphabets.alnum, 10)}\n`, 'kubeconfig-user-token'],
    ['kubeconfig client-key-data:', `users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJU\n    client-key-data: ${Buffer.from(pemKey).toString('base64')}\n`, 'kubeconfig-client-key-data'],
  ];
  for (const [name, text, rule] of cases) {
    it(`finds a ${name}`, () => {
      expect(detector.detect(text).map((m) => m.ruleId)).toContain(rule);
    });
  }
});
