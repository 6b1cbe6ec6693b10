#!/usr/bin/env node
/**
 * License verifier benchmarks (issue 17; run after `npm run build`):
 *  - `verifyLicense` throughput beside raw `crypto.verify` Ed25519 over the same signed bytes, with
 *    a ready KeyObject, in this process (target: at least 50% of the raw rate);
 *  - a fresh `node` that imports `circle-core/license` and verifies one license, beside `node -e 0`
 *    (target: at most 1.5x).
 * Both pairs run interleaved, so load from elsewhere on the machine falls on each side alike.
 */
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleavedMedians, line, repoRoot } from './lib.mjs';

const license = await import(join(repoRoot, 'dist/core/license/index.js'));
const { generateEd25519KeyPair, ed25519Spki } = await import(join(repoRoot, 'dist/core/crypto/ed25519.js'));

const issuer = generateEd25519KeyPair();
const { text } = license.signLicense(
  { licensee: 'Acme Ltd', product: 'Rocket', entitlements: ['pro', 'sso', 'audit'], meta: { order: '4711', region: 'eu' }, expires: Date.now() + 365 * 86_400_000, seats: 25 },
  issuer.seed,
);
const options = { publicKey: issuer.publicKey, machine: 'auto' };
if (!license.verifyLicense(text, options).valid) throw new Error('the bench license does not verify');

// The raw baseline: the very bytes verifyLicense checks (domain tag + enc) and the signature.
const outer = JSON.parse(Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64').toString('utf8'));
const message = Buffer.from(`circle-license/v1\n${outer.enc}`, 'utf8');
const signature = Buffer.from(outer.sig, 'base64');
const keyObject = createPublicKey({ key: ed25519Spki(issuer.publicKey), format: 'der', type: 'spki' });
if (!verify(null, message, keyObject, signature)) throw new Error('the raw baseline does not verify');

// Fine-grained interleaving (batches of 100, alternating) so that load from the other processes
// on the machine falls on both sides alike; the ratio is of the summed times.
function batch(fn, n = 100) {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - start;
}
let rawMs = 0;
let ourMs = 0;
let calls = 0;
for (let warm = 0; warm < 5; warm++) batch(() => verify(null, message, keyObject, signature)), batch(() => license.verifyLicense(text, options));
const deadline = performance.now() + 6000;
while (performance.now() < deadline) {
  rawMs += batch(() => verify(null, message, keyObject, signature));
  ourMs += batch(() => license.verifyLicense(text, options));
  calls += 100;
}
const rawRate = (calls / rawMs) * 1000;
const ourRate = (calls / ourMs) * 1000;
line('crypto.verify Ed25519 (baseline)', `${rawRate.toFixed(0)} ops/s`);
line('verifyLicense', `${ourRate.toFixed(0)} ops/s`, `${((ourRate / rawRate) * 100).toFixed(0)}% of the baseline (target >= 50%)`);

// Cold start: import the subpath by its package name (self-reference through package.json exports).
const work = mkdtempSync(join(tmpdir(), 'circle-license-bench-'));
try {
  writeFileSync(join(work, 'acme.lic'), text);
  const script = [
    "import { readFileSync } from 'node:fs';",
    "import { verifyLicense } from 'circle-core/license';",
    `const r = verifyLicense(readFileSync(${JSON.stringify(join(work, 'acme.lic'))}, 'utf8'), { publicKey: ${JSON.stringify(issuer.publicKey.toString('base64'))} });`,
    'if (!r.valid) process.exit(1);',
  ].join('\n');
  const [nodeMs, verifyMs] = interleavedMedians(
    [
      [process.execPath, ['-e', '0']],
      [process.execPath, ['--input-type=module', '-e', script]],
    ],
    15,
    { cwd: repoRoot },
  );
  line('node -e 0 (baseline)', `${nodeMs.toFixed(1)} ms`);
  line('node: import circle-core/license + verify', `${verifyMs.toFixed(1)} ms`, `${(verifyMs / nodeMs).toFixed(2)}x (target <= 1.5x)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
