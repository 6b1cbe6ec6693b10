import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyObject } from 'node:crypto';
import { generateAuditKeys } from '../../../src/core/audit/keys.js';
import { readAuditEntries } from '../../../src/core/audit/query.js';
import { verifyAuditLog } from '../../../src/core/audit/verify.js';
import { tempHome } from './helpers.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const built = resolve(repoRoot, 'dist/core/audit/open-sink.js');
const PROCESSES = 20;
const EACH = 10;

// Each child appends EACH entries through the built sink, with checkpoints as it goes.
const childScript = `
const { createPrivateKey, createPublicKey } = await import('node:crypto');
const { openAuditSink } = await import(process.env.SINK_MODULE);
// The parent hands each child the full key set (as an unlocked vault would), so children also checkpoint.
const k = JSON.parse(process.env.AUDIT_TEST_KEYS);
const priv = (b64) => createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
const detailsPrivateKey = priv(k.details);
const signingKey = priv(k.signing);
const keys = { origin: k.origin, detailsPrivateKey, signingKey, detailsPublicKey: createPublicKey(detailsPrivateKey), verifyKey: createPublicKey(signingKey) };
// Half the children fdatasync on their own thread (as a command may), half through the thread pool.
const sink = openAuditSink(process.env.CIRCLE_HOME, { checkpointEvery: 7, keys, blockingFsync: Number(process.env.CHILD) % 2 === 0 });
for (let i = 0; i < ${EACH}; i++) {
  await sink.record({ action: 'secrets.read', outcome: 'success', actor: { type: 'user', id: 'p' + process.env.CHILD }, target: 'n' + i, details: { i } });
}
`;

function runChild(home: string, child: number, keysJson: string): Promise<number> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', childScript], {
      env: { ...process.env, CIRCLE_HOME: home, CHILD: String(child), SINK_MODULE: built, AUDIT_TEST_KEYS: keysJson, CIRCLE_LOCK_TIMEOUT_MS: '60000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => (code === 0 ? done(0) : fail(new Error(`child ${child} exited ${code}: ${err}`))));
  });
}

const homes: { cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

describe('concurrent appends', () => {
  it(`${PROCESSES} processes appending at once lose no entry and keep the chain valid`, async () => {
    expect(existsSync(built), 'build first (npm run build): the children import dist/').toBe(true);
    const home = tempHome();
    homes.push(home);
    const keys = generateAuditKeys();
    const der = (k: KeyObject) => k.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const keysJson = JSON.stringify({ origin: keys.origin, details: der(keys.detailsPrivateKey), signing: der(keys.signingKey) });
    await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runChild(home.dir, i, keysJson)));
    const result = await verifyAuditLog(home.dir, { keys, deep: true });
    expect(result.firstBad).toBeUndefined();
    expect(result).toMatchObject({ ok: true, size: PROCESSES * EACH });
    expect(result.checkpointsChecked).toBeGreaterThan(0);
    const { entries } = await readAuditEntries(home.dir);
    const seen = new Set(entries.map((e) => `${e.actor.id}/${e.target}`));
    expect(seen.size).toBe(PROCESSES * EACH);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: PROCESSES * EACH }, (_, i) => i));
  });
});
