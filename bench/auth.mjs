#!/usr/bin/env node
// Auth benchmark (run after `npm run build`): login cost (Argon2id-dominated) and
// what a session costs a command. Prints each figure beside its baseline and target.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(repo, 'bench/.work');
mkdirSync(work, { recursive: true });
const home = mkdtempSync(join(work, 'auth-'));
const PASSWORD = 'benchmark passphrase 42';
delete process.env.CIRCLE_ARGON2_MEMORY_KIB;
delete process.env.CIRCLE_ARGON2_TIME_COST;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;
const line = (what, value, baseline, target) => console.log(`${what.padEnd(58)} ${value.padStart(10)}   baseline: ${baseline.padEnd(22)} target: ${target}`);

const vault = await import(join(repo, 'dist/core/vault/index.js'));
const { DEFAULT_ARGON2_PARAMS } = await import(join(repo, 'dist/core/crypto/kdf.js'));

// The CLI binary; while the checked-in manifest predates the auth commands, a shadow root without it.
function circleBin() {
  const manifest = join(repo, 'oclif.manifest.json');
  if (!existsSync(manifest) || 'auth:whoami' in JSON.parse(readFileSync(manifest, 'utf8')).commands) return join(repo, 'bin/run.js');
  const shadow = join(work, 'shadow');
  rmSync(shadow, { recursive: true, force: true });
  mkdirSync(join(shadow, 'bin'), { recursive: true });
  writeFileSync(join(shadow, 'package.json'), readFileSync(join(repo, 'package.json')));
  symlinkSync(join(repo, 'dist'), join(shadow, 'dist'));
  symlinkSync(join(repo, 'node_modules'), join(shadow, 'node_modules'));
  copyFileSync(join(repo, 'bin/run.js'), join(shadow, 'bin/run.js'));
  return join(shadow, 'bin/run.js');
}

try {
  await vault.initVault(home, { admin: 'perf', password: PASSWORD });
  await vault.loginWithPassword(home, { user: 'perf', password: PASSWORD }); // warm the argon2 module
  const logins = [];
  let ctx;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    ctx = (await vault.loginWithPassword(home, { user: 'perf', password: PASSWORD })).ctx;
    logins.push(performance.now() - t);
  }
  const p = DEFAULT_ARGON2_PARAMS;
  line(`login, in-process (Argon2id m=${p.memoryKiB} KiB, t=${p.timeCost}, p=${p.parallelism})`, ms(median(logins)), 'n/a', '150–500 ms');

  const session = await vault.createSession(ctx);
  const unlocks = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await vault.unlockWithSession(home, session.token);
    unlocks.push(performance.now() - t);
  }
  line('unlock with a session, in-process (warm, median of 20)', ms(median(unlocks)), 'n/a', '< 10 ms');

  const firstScript = join(work, 'first-unlock.mjs');
  writeFileSync(
    firstScript,
    `const { unlockWithSession } = await import(${JSON.stringify(join(repo, 'dist/core/auth/session.js'))});\nconst t = performance.now();\nawait unlockWithSession(process.argv[2], process.argv[3]);\nconsole.log(performance.now() - t);\n`,
  );
  const firsts = [];
  for (let i = 0; i < 5; i++) firsts.push(Number(spawnSync(process.execPath, [firstScript, home, session.token], { encoding: 'utf8' }).stdout.trim()));
  line('unlock with a session, first call in a fresh process', ms(median(firsts)), 'n/a', '< 10 ms (informative)');

  const bin = circleBin();
  const env = { ...process.env, CIRCLE_HOME: home, CI: 'true', CIRCLE_TOKEN: '', CIRCLE_SESSION: '' };
  const timeCli = (args, extraEnv = {}, runs = 7) => {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8' });
      times.push(performance.now() - t);
      if (i === 0 && r.status !== 0 && !extraEnv.EXPECT_FAIL) throw new Error(`circle ${args.join(' ')} failed: ${r.stderr}`);
    }
    return median(times);
  };
  const bare = timeCli(['--version']);
  const empty = mkdtempSync(join(work, 'auth-empty-'));
  const noUnlock = timeCli(['auth', 'whoami'], { CIRCLE_HOME: empty, EXPECT_FAIL: '1' });
  rmSync(empty, { recursive: true, force: true });
  const withSession = timeCli(['auth', 'whoami'], { CIRCLE_SESSION: session.token });
  line('`circle auth whoami` start-up, no vault (no unlock)', ms(noUnlock), `--version ${ms(bare)}`, 'n/a');
  line('`circle auth whoami` with an existing session', ms(withSession), `no unlock ${ms(noUnlock)}`, `≤ 1.5× (${(withSession / noUnlock).toFixed(2)}×)`);
  line('`circle auth whoami` with a session vs bare start-up', `${(withSession / bare).toFixed(2)}×`, `--version ${ms(bare)}`, 'informative');

  const loginCli = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    spawnSync(process.execPath, [bin, 'auth', 'login', '--user', 'perf', '--password-stdin'], { env, input: `${PASSWORD}\n`, encoding: 'utf8' });
    loginCli.push(performance.now() - t);
  }
  line('`circle auth login --password-stdin` (whole process)', ms(median(loginCli)), `bare ${ms(bare)}`, 'informative');
} finally {
  rmSync(home, { recursive: true, force: true });
}
