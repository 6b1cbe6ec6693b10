#!/usr/bin/env node
// Benchmark for `circle scan secrets` (run after `npm run build`).
//
// Corpus: a real node_modules tree (≥ 200 MB) installed once into bench/.work/corpus.
// Each tool is pinned to one core with `taskset -c 0` when available.
//  - circle:     the built library behind `scan secrets <dir> --no-gitignore`, in a fresh node process
//  - grep floor: `grep -rE` with circle's own rule patterns translated to POSIX ERE
//  - secretlint: secretlint@11 + preset-recommend. It cannot scan paths under
//                node_modules/, and it is slow, so it and circle both run on the same
//                copied sample of the corpus (time-boxed) and are compared there.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(repo, 'bench/.work');
const corpus = join(work, 'corpus');
const sample = join(work, 'scan-secrets-sample');
const CORPUS_PACKAGES = ['aws-sdk@2', 'typescript@5', '@types/node@20', 'three@0.170', 'monaco-editor@0.52', 'rxjs@7', 'lodash@4', 'moment@2', 'eslint@9', 'webpack@5', '@babel/core@7', 'prettier@3'];
const MIN_CORPUS_BYTES = 200e6;
const SAMPLE_BYTES = Number(process.env.SCAN_SECRETS_SAMPLE_MB ?? 40) * 1e6;

const pin = existsSync('/usr/bin/taskset') ? ['taskset', '-c', '0'] : [];

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git') walk(p, out);
    } else if (e.isFile()) out.push({ path: p, size: statSync(p).size });
  }
  return out;
}

function run(cmd, args, options = {}) {
  const [bin, ...pre] = [...pin, cmd];
  const started = process.hrtime.bigint();
  const r = spawnSync(bin, [...pre, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...r, seconds };
}

function ensureCorpus() {
  const ok = existsSync(join(corpus, 'node_modules')) && walk(join(corpus, 'node_modules')).reduce((a, f) => a + f.size, 0) >= MIN_CORPUS_BYTES;
  if (ok) return;
  mkdirSync(corpus, { recursive: true });
  console.error(`scan-secrets bench: installing the corpus into ${relative(repo, corpus)} (once)…`);
  const r = spawnSync('npm', ['install', '--prefix', corpus, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', ...CORPUS_PACKAGES], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('corpus install failed');
}

/** circle's rule regexes (JS syntax) rewritten as POSIX ERE: lookarounds and backrefs dropped, classes expanded. */
function toEre(source) {
  let out = '';
  let i = 0;
  const skipGroup = () => {
    let depth = 0;
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '[') {
        for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
        continue;
      }
      if (c === '(') depth++;
      if (c === ')' && --depth === 0) return;
    }
  };
  const escOutside = { d: '[0-9]', s: '[[:space:]]', w: '[[:alnum:]_]', D: '[^0-9]', S: '[^[:space:]]', n: '', r: '' };
  const escInside = { d: '0-9', s: '[:space:]', w: '[:alnum:]_', n: '', r: '' };
  while (i < source.length) {
    const c = source[i];
    if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i) || source.startsWith('(?=', i) || source.startsWith('(?!', i)) {
      skipGroup();
      i++;
    } else if (source.startsWith('(?<', i)) {
      out += '(';
      i = source.indexOf('>', i) + 1;
    } else if (source.startsWith('(?:', i)) {
      out += '(';
      i += 3;
    } else if (source.startsWith('\\k<', i)) {
      i = source.indexOf('>', i) + 1;
    } else if (c === '\\') {
      const n = source[i + 1];
      if (n === 'x') {
        out += String.fromCharCode(parseInt(source.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      out += escOutside[n] ?? (/[.*+?^${}()|[\]\\]/.test(n) ? `\\${n}` : n);
      i += 2;
    } else if (c === '[') {
      let body = '';
      let dash = false;
      i++;
      if (source[i] === '^') {
        body += '^';
        i++;
      }
      for (; i < source.length && source[i] !== ']'; i++) {
        if (source[i] === '\\') {
          const n = source[++i];
          if (n === '-') dash = true;
          else if (n === ']') body = `]${body}`;
          else body += escInside[n] ?? n;
        } else body += source[i];
      }
      i++;
      out += `[${body}${dash ? '-' : ''}]`;
    } else if ((c === '?' || c === '+') && /[*+?}]/.test(source[i - 1] ?? '') && source[i - 2] !== '\\') {
      i++; // lazy/possessive marker: ERE has neither
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function grepPatterns(rules) {
  const file = join(work, 'scan-secrets-patterns.ere');
  const usable = [];
  for (const r of rules) {
    const ere = toEre(r.pattern);
    const check = spawnSync('grep', ['-E', '-e', ere, '/dev/null'], { encoding: 'utf8' });
    if (check.status === 1 && check.stderr === '') usable.push(ere);
  }
  writeFileSync(file, `${usable.join('\n')}\n`);
  return { file, count: usable.length };
}

function makeSample(files) {
  rmSync(sample, { recursive: true, force: true });
  mkdirSync(sample, { recursive: true });
  let bytes = 0;
  let n = 0;
  // Every k-th file, so the sample has the corpus's mix of file kinds and sizes.
  const step = Math.max(1, Math.floor(files.reduce((a, f) => a + f.size, 0) / SAMPLE_BYTES));
  for (let i = 0; i < files.length && bytes < SAMPLE_BYTES; i += step) {
    const f = files[i];
    if (f.size > 2 * 1024 * 1024) continue;
    const dest = join(sample, relative(corpus, f.path).replace(/node_modules/g, 'nm'));
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(f.path, dest);
    bytes += f.size;
    n++;
  }
  return { bytes, files: n };
}

function line(label, value, baseline, target) {
  console.log(`scan-secrets ${label}: ${value}${baseline ? ` | baseline: ${baseline}` : ''}${target ? ` | target: ${target}` : ''}`);
}

const fmt = (bytes, files, s) => `${(bytes / 1e6 / s).toFixed(1)} MB/s, ${Math.round(files / s)} files/s (${(bytes / 1e6).toFixed(0)} MB, ${files} files, ${s.toFixed(2)} s)`;

ensureCorpus();
const { BUILTIN_RULES } = await import(join(repo, 'dist/core/scan/secrets/index.js'));
const files = walk(corpus);
const bytes = files.reduce((a, f) => a + f.size, 0);
const env = { ...process.env, CI: 'true', UV_THREADPOOL_SIZE: '1' };
// The library the command wraps, in a fresh process pinned like the other tools (start-up included).
const runner = `const { scanSecrets } = await import(${JSON.stringify(join(repo, 'dist/core/scan/secrets/index.js'))});
const r = await scanSecrets({ root: process.argv[1], source: 'tree', gitignore: false });
process.stdout.write(JSON.stringify({ summary: { findings: r.findings.length }, stats: r.stats }));`;
const circleRun = (root) => run('node', ['--input-type=module', '-e', runner, root], { env });

// circle on the whole corpus.
const circle = circleRun(corpus);
if (circle.status !== 0) throw new Error(`circle failed (${circle.status}): ${circle.stderr.slice(0, 500)}`);
const circleReport = JSON.parse(circle.stdout);
const circleMBs = bytes / 1e6 / circle.seconds;
line('circle (1 core, full corpus)', fmt(bytes, files.length, circle.seconds), undefined, undefined);
line('circle findings', `${circleReport.summary.findings} in ${circleReport.stats.files} text files scanned (${circleReport.stats.skippedBinary} binary, ${circleReport.stats.skippedLarge} large skipped)`);

// grep -rE floor with the same patterns.
const pats = grepPatterns(BUILTIN_RULES);
const grep = run('grep', ['-rEl', '-f', pats.file, corpus], { env: { ...process.env, LC_ALL: 'C' } });
const grepMBs = bytes / 1e6 / grep.seconds;
line('grep -rE floor (1 core, full corpus)', fmt(bytes, files.length, grep.seconds), `${pats.count}/${BUILTIN_RULES.length} rule patterns as ERE`);
line('circle vs grep', `${(circleMBs / grepMBs).toFixed(2)}x grep's throughput`, 'grep -rE', 'within 3x (>= 0.33x)');

// For context only: grep with just the rules' literal keywords (no patterns) — a lower bound
// on what any regex scanner can do, not the floor the target refers to.
const kwFile = join(work, 'scan-secrets-keywords.txt');
writeFileSync(kwFile, `${[...new Set(BUILTIN_RULES.flatMap((r) => r.keywords))].join('\n')}\n`);
const grepKw = run('grep', ['-rilF', '-f', kwFile, corpus], { env: { ...process.env, LC_ALL: 'C' } });
line('grep -rilF keywords only (reference)', fmt(bytes, files.length, grepKw.seconds), 'literal keyword search, no rule patterns');

// secretlint vs circle on the same sample.
const s = makeSample(files);
const rc = join(work, 'scan-secrets-secretlintrc.json');
writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
const sl = run(join(repo, 'node_modules/.bin/secretlint'), ['--secretlintrc', rc, '--format', 'json', `${sample}/**/*`], { cwd: repo, timeout: 150_000 });
const circleSample = circleRun(sample);
const slMBs = s.bytes / 1e6 / sl.seconds;
const cMBs = s.bytes / 1e6 / circleSample.seconds;
line('circle (1 core, sample)', fmt(s.bytes, s.files, circleSample.seconds));
line(`secretlint (1 core, sample${sl.error ? ', TIMED OUT' : ''})`, fmt(s.bytes, s.files, sl.seconds), 'secretlint@11 preset-recommend');
line('circle vs secretlint', `${(cMBs / slMBs).toFixed(1)}x secretlint's throughput`, 'secretlint', '>= 10x');
