#!/usr/bin/env node
// Audit log benchmark: append cost as a command sees it (fsync included), and
// verify throughput on a 1,000,000-entry log beside raw SHA-256 over the same bytes.
// Run after `npm run build`:  node bench/audit.mjs   (ENTRIES=200000 for a quicker run)
import { spawnSync } from 'node:child_process';
import { hash, createHash, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'core', 'audit');
if (!existsSync(join(dist, 'log.js'))) {
  console.error('bench/audit.mjs: build first (npm run build)');
  process.exit(1);
}
const { appendAuditEvent } = await import(join(dist, 'log.js'));
const { generateAuditKeys } = await import(join(dist, 'keys.js'));
const { verifyAuditLog } = await import(join(dist, 'verify.js'));
const { buildEntry, serializeEntry, GENESIS_PREV } = await import(join(dist, 'entry.js'));
const { sealDetails, detailsAad } = await import(join(dist, 'details.js'));
const { leafHash } = await import(join(dist, 'merkle.js'));
const { segmentName } = await import(join(dist, 'layout.js'));

const ENTRIES = Number(process.env.ENTRIES ?? 1_000_000);
const APPENDS = Number(process.env.APPENDS ?? 300);
const COMMANDS = Number(process.env.COMMANDS ?? 15);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const line = (label, value, baseline, target) => console.log(`${label.padEnd(44)} ${value.padStart(18)}   baseline: ${baseline.padEnd(26)} target: ${target}`);
const keys = generateAuditKeys('circle-core.local/audit/bench');

// 1. Append cost: one entry per call through the same path a command uses (lock, tail read, O_APPEND write, fdatasync),
// in one long-lived process; then the first append of fresh processes, which is what a one-shot command sees.
const appendHome = mkdtempSync(join(tmpdir(), 'circle-bench-audit-'));
try {
  const publicOnly = { ...keys, signingKey: undefined, detailsPrivateKey: undefined };
  const ev = (i) => ({ action: 'secrets.read', outcome: 'success', actor: { type: 'user', id: 'bench' }, target: `secret:dev/K${i}`, details: { i } });
  for (let i = 0; i < 20; i++) await appendAuditEvent(appendHome, ev(i), { keys: publicOnly });
  // Raw cost of the durability alone: append one line + fdatasync, no lock, no crypto. Interleaved
  // with the appends so that both see the same load on a shared machine.
  const raw = [];
  const fd = openSync(join(appendHome, 'raw.jsonl'), 'a');
  const payload = Buffer.from(`${'x'.repeat(300)}\n`);
  const { fdatasyncSync } = await import('node:fs');
  // Its own KeyObject for the same public key: spare seals are kept per KeyObject, and the blocking
  // path (which never prepares one) must not take the spares the thread-pool path prepares.
  const blockingKeys = { ...publicOnly, detailsPublicKey: createPublicKey({ key: keys.detailsPublicKey.export({ format: 'der', type: 'spki' }), format: 'der', type: 'spki' }) };
  // COMPARE_DIST=<another build's dist/> also appends through that build (on its own log),
  // alternately with this one, so a before/after comparison sees the same load.
  const compare = process.env.COMPARE_DIST ? await import(join(process.env.COMPARE_DIST, 'core', 'audit', 'log.js')) : undefined;
  const compareHome = compare ? mkdtempSync(join(tmpdir(), 'circle-bench-audit-compare-')) : undefined;
  const timed = async (into, fn) => {
    const t0 = process.hrtime.bigint();
    await fn();
    into.push(Number(process.hrtime.bigint() - t0) / 1e6);
  };
  const times = [];
  const blockingTimes = [];
  const compareTimes = [];
  for (let i = 0; i < APPENDS; i++) {
    await timed(times, () => appendAuditEvent(appendHome, ev(i), { keys: publicOnly }));
    // The same with fdatasync on the calling thread (`blockingFsync`, for one-shot processes).
    await timed(blockingTimes, () => appendAuditEvent(appendHome, ev(i), { keys: blockingKeys, blockingFsync: true }));
    if (compare) await timed(compareTimes, () => compare.appendAuditEvent(compareHome, ev(i), { keys: publicOnly }));
    await timed(raw, () => {
      writeSync(fd, payload);
      fdatasyncSync(fd);
    });
  }
  closeSync(fd);
  const signedTimes = [];
  const compareSignedTimes = [];
  for (let i = 0; i < APPENDS; i++) {
    await timed(signedTimes, () => appendAuditEvent(appendHome, ev(i), { keys, checkpointEvery: 64 }));
    if (compare) await timed(compareSignedTimes, () => compare.appendAuditEvent(compareHome, ev(i), { keys, checkpointEvery: 64 }));
  }
  if (compareHome) rmSync(compareHome, { recursive: true, force: true });
  // What one command pays: the first append in a fresh process, through the sink a command uses
  // (public keys read from the home), cold code paths included; process start-up is not counted.
  const { publishAuditPublicKeys } = await import(join(dist, 'keys.js'));
  await publishAuditPublicKeys(appendHome, keys);
  const child = `
    const { openAuditSink } = await import(process.env.SINK_MODULE);
    const sink = openAuditSink(process.env.BENCH_HOME, { whenNoLog: 'error' });
    const t0 = process.hrtime.bigint();
    await sink.record({ action: 'secrets.read', outcome: 'success', actor: { type: 'user', id: 'bench' }, target: 'secret:dev/K', details: { i: 1 } });
    console.log(Number(process.hrtime.bigint() - t0) / 1e6);`;
  const commandTimes = [];
  for (let i = 0; i < COMMANDS; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], { env: { ...process.env, SINK_MODULE: join(dist, 'open-sink.js'), BENCH_HOME: appendHome }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`bench child failed: ${run.stderr}`);
    commandTimes.push(Number(run.stdout.trim()));
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] };
  };
  const a = stats(times);
  const b = stats(signedTimes);
  const r = stats(raw);
  line('append (public key only), mean / p95', `${fmt(a.mean, 2)} / ${fmt(a.p95, 2)} ms`, `write+fdatasync ${fmt(r.mean, 2)} / ${fmt(r.p95, 2)} ms`, '< 2 ms');
  line('append (public key only), median', `${fmt(a.p50, 2)} ms`, `write+fdatasync ${fmt(r.p50, 2)} ms`, '(informational)');
  line('append (unlocked, checkpoint every 64), mean', `${fmt(b.mean, 2)} ms`, `write+fdatasync ${fmt(r.mean, 2)} ms`, '< 2 ms');
  const k = stats(blockingTimes);
  line('append, blocking fdatasync, mean / p95', `${fmt(k.mean, 2)} / ${fmt(k.p95, 2)} ms`, `write+fdatasync ${fmt(r.mean, 2)} / ${fmt(r.p95, 2)} ms`, '< 2 ms');
  if (compare) {
    const ca = stats(compareTimes);
    const cb = stats(compareSignedTimes);
    line('COMPARE_DIST append, mean / p95 / median', `${fmt(ca.mean, 2)} / ${fmt(ca.p95, 2)} / ${fmt(ca.p50, 2)} ms`, `this build ${fmt(a.mean, 2)} / ${fmt(a.p95, 2)} / ${fmt(a.p50, 2)} ms`, '(comparison)');
    line('COMPARE_DIST checkpoint every 64, mean', `${fmt(cb.mean, 2)} ms`, `this build ${fmt(b.mean, 2)} ms`, '(comparison)');
  }
  const c = stats(commandTimes);
  line('first append in a fresh process, median', `${fmt(c.p50, 2)} ms`, `${COMMANDS} processes, mean ${fmt(c.mean, 2)} ms`, '(informational)');
} finally {
  rmSync(appendHome, { recursive: true, force: true });
}

// 2. A 1,000,000-entry log, generated directly (appending a million fsynced entries would take the whole budget).
const work = join(here, '.work', `audit-${ENTRIES}`);
const segDir = join(work, 'audit', 'segments');
const keysFile = join(work, 'bench-keys.json');
if (!existsSync(join(work, 'done'))) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(segDir, { recursive: true });
  const t0 = Date.now();
  // One sealed blob reused for the entries that carry details: verification never decrypts.
  const sealed = sealDetails({ ip: '10.1.2.3', reason: 'bench' }, keys.detailsPublicKey, detailsAad(0));
  let prev = GENESIS_PREV;
  let seq = 0;
  const perSegment = 250_000;
  const base = Date.parse('2026-01-01T00:00:00Z');
  while (seq < ENTRIES) {
    const first = seq;
    const parts = [];
    for (; seq < Math.min(ENTRIES, first + perSegment); seq++) {
      const entry = buildEntry(seq, prev, new Date(base + seq * 10), { action: seq % 3 ? 'secrets.read' : 'auth.login', outcome: seq % 7 ? 'success' : 'failure', actor: { type: 'user', id: `user${seq % 50}` }, target: `secret:prod/KEY_${seq % 1000}` }, seq % 4 === 0 ? sealed : undefined);
      const text = serializeEntry(entry);
      prev = leafHash(Buffer.from(text)).toString('hex');
      parts.push(text, '\n');
    }
    writeFileSync(join(segDir, segmentName(first)), parts.join(''));
  }
  writeFileSync(join(work, 'done'), '');
  console.error(`(generated ${fmt(ENTRIES)} entries in ${((Date.now() - t0) / 1000).toFixed(1)} s under bench/.work/)`);
}

const files = readdirSync(segDir).sort().map((n) => join(segDir, n));
const bytes = files.map((f) => readFileSync(f));
const totalBytes = bytes.reduce((a, b) => a + b.length, 0);

// Raw SHA-256 over the same bytes: (a) one hash per entry, as a per-leaf Merkle tree must; (b) one bulk stream.
// The machine is shared, so baseline and verify are interleaved and the best of each round is kept.
function hashPerEntry() {
  const t = process.hrtime.bigint();
  for (const buf of bytes) {
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      hash('sha256', buf.subarray(start, nl), 'buffer');
      start = nl + 1;
    }
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}
function hashBulk() {
  const t = process.hrtime.bigint();
  const bulk = createHash('sha256');
  for (const buf of bytes) bulk.update(buf);
  bulk.digest();
  return Number(process.hrtime.bigint() - t) / 1e9;
}
async function verifyOnce() {
  const t = process.hrtime.bigint();
  const result = await verifyAuditLog(work, { keys });
  const sec = Number(process.hrtime.bigint() - t) / 1e9;
  if (!result.ok || result.size !== ENTRIES) {
    console.error('verify failed on the generated log', result.firstBad);
    process.exit(1);
  }
  return sec;
}
const ROUNDS = Number(process.env.ROUNDS ?? 2);
let perEntrySec = Infinity;
let bulkSec = Infinity;
let verifySec = Infinity;
for (let r = 0; r < ROUNDS; r++) {
  perEntrySec = Math.min(perEntrySec, hashPerEntry());
  bulkSec = Math.min(bulkSec, hashBulk());
  verifySec = Math.min(verifySec, await verifyOnce());
}
const eps = (sec) => `${fmt(ENTRIES / sec)} entries/s`;
const mbs = (sec) => `${fmt(totalBytes / sec / 1e6)} MB/s`;
console.log(`log: ${fmt(ENTRIES)} entries, ${fmt(totalBytes / 1e6, 1)} MB in ${files.length} segments`);
line('verify (chain + tree), entries/s', eps(verifySec), `sha256/entry ${eps(perEntrySec)}`, `≥ ${fmt(ENTRIES / perEntrySec / 3)}/s (1/3 of hashing)`);
line('verify throughput, MB/s', mbs(verifySec), `bulk sha256 ${mbs(bulkSec)}`, 'within 3× of hashing');
line('verify slowdown vs per-entry sha256', `${(verifySec / perEntrySec).toFixed(2)}×`, '1.00×', '≤ 3×');
line('verify slowdown vs bulk sha256', `${(verifySec / bulkSec).toFixed(2)}×`, '1.00×', '(informational)');
void keysFile;
