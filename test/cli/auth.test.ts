import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { base32Decode, totp } from '../../src/core/auth/otp.js';
import { cleanupShadow, runCircle, tempHome, type RunResult } from './auth-harness.js';

// Each test runs the built CLI several times; the machine may be busy.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

// Cheap Argon2id for the many logins below (the default is covered by the kdf tests and the benchmark).
const env = { CIRCLE_ARGON2_MEMORY_KIB: '4096', CIRCLE_ARGON2_TIME_COST: '1' };
const PASSWORD = 'correct horse battery';
const homes: string[] = [];
const outputs: RunResult[] = [];
const secrets: string[] = [PASSWORD];

async function circle(home: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const result = await runCircle(home, args, { ...options, env: { ...env, ...options.env } });
  outputs.push(result);
  return result;
}

function newHome(): string {
  const home = tempHome();
  homes.push(home);
  return home;
}

async function initHome(): Promise<string> {
  const home = newHome();
  const r = await circle(home, ['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { input: `${PASSWORD}\n` });
  expect(r.code, r.stderr).toBe(0);
  return home;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  cleanupShadow();
});

describe('circle init / login / whoami', () => {
  let home: string;
  beforeAll(async () => {
    home = await initHome();
  });

  it('refuses a second init and changes nothing', async () => {
    const before = readFileSync(join(home, 'vault.json'));
    const r = await circle(home, ['init', '--admin', 'mallory', '--password-stdin', '--no-mfa', '--yes'], { input: 'another long password\n' });
    expect(r.code).toBe(6);
    expect(readFileSync(join(home, 'vault.json')).equals(before)).toBe(true);
  });

  it('fails without a session (exit 3) and logs in with --password-stdin', async () => {
    expect((await circle(home, ['auth', 'whoami'])).code).toBe(3);
    const login = await circle(home, ['auth', 'login', '--user', 'alice', '--password-stdin'], { input: `${PASSWORD}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/^export CIRCLE_SESSION=circle_s_[a-f0-9]{32}_[\w-]{43}\n$/);
    expect(statSync(join(home, 'session.token')).mode & 0o777).toBe(0o600);
    const who = await circle(home, ['auth', 'whoami', '--json']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ type: 'user', id: 'alice', role: 'admin', via: 'session' });
    // The token also works from the environment, without the file.
    const token = login.stdout.trim().split('=')[1]!;
    secrets.push(token.split('_').slice(3).join('_')); // the secret may itself contain '_'
    expect((await circle(home, ['auth', 'whoami'], { env: { CIRCLE_SESSION: token } })).code).toBe(0);
  });

  it('rejects a wrong password with exit 3 and a session after logout', async () => {
    expect((await circle(home, ['auth', 'login', '--user', 'alice', '--password-stdin'], { input: 'not the password\n' })).code).toBe(3);
    const login = await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    const token = login.stdout.trim().split('=')[1]!;
    expect((await circle(home, ['auth', 'logout'])).code).toBe(0);
    const after = await circle(home, ['auth', 'whoami'], { env: { CIRCLE_SESSION: token } });
    expect(after.code).toBe(3);
    expect(after.stderr).toMatch(/session/i);
  });
});

describe('MFA: TOTP and recovery codes', () => {
  it('enrols, logs in with a computed code, rejects its replay, accepts a recovery code once', async () => {
    const home = await initHome();
    await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    const begin = await circle(home, ['auth', 'mfa', 'enable', '--json']);
    expect(begin.code, begin.stderr).toBe(0);
    const uri = new URL((JSON.parse(begin.stdout) as { otpauthUri: string }).otpauthUri);
    const secretB32 = uri.searchParams.get('secret')!;
    secrets.push(secretB32);
    const secret = base32Decode(secretB32);
    const now = () => Math.floor(Date.now() / 1000);
    const confirm = await circle(home, ['auth', 'mfa', 'enable', '--code', totp(secret, now()), '--json']);
    expect(confirm.code, confirm.stderr).toBe(0);
    const codes = (JSON.parse(confirm.stdout) as { recoveryCodes: string[] }).recoveryCodes;
    expect(codes).toHaveLength(10);
    await circle(home, ['auth', 'logout']);

    // Password alone is not enough now.
    expect((await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` })).code).toBe(3);
    // The next step's code is inside the ±1 window and newer than the one used to confirm.
    const code = totp(secret, now() + 30);
    const ok = await circle(home, ['auth', 'login', '--password-stdin', '--totp', code], { input: `${PASSWORD}\n` });
    expect(ok.code, ok.stderr).toBe(0);
    const replay = await circle(home, ['auth', 'login', '--password-stdin', '--totp', code], { input: `${PASSWORD}\n` });
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(/already used/);
    // A recovery code on the second stdin line works once.
    const rc = codes[0]!;
    const first = await circle(home, ['auth', 'login', '--password-stdin', '--json'], { input: `${PASSWORD}\n${rc}\n` });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ secondFactor: 'recovery-code', recoveryCodesLeft: 9 });
    const second = await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n${rc}\n` });
    expect(second.code).toBe(3);
    // issue 14: a used code says so, not "Wrong user name or password".
    expect(second.stderr).toContain('Wrong or already used recovery code');
    expect(second.stderr).not.toContain('password');
    // Codes are accepted without their dashes, in any case, with spaces between groups.
    const bare = codes[1]!.replaceAll('-', '').toUpperCase();
    const undashed = await circle(home, ['auth', 'login', '--password-stdin', '--json'], { input: `${PASSWORD}\n${bare}\n` });
    expect(undashed.code, undashed.stderr).toBe(0);
    expect(JSON.parse(undashed.stdout)).toMatchObject({ secondFactor: 'recovery-code', recoveryCodesLeft: 8 });
    const spaced = await circle(home, ['auth', 'login', '--password-stdin', '--json'], { input: `${PASSWORD}\n${codes[2]!.replaceAll('-', ' ')}\n` });
    expect(spaced.code, spaced.stderr).toBe(0);
    const wrong = await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\naaaaa-bbbbb-cc\n` });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('Wrong or already used recovery code');
    secrets.push(...codes.slice(1));
  }, 120_000);
});

describe('lockout', () => {
  it('locks the account after 5 wrong passwords from 5 concurrent processes (exit 3, with the time it lifts)', async () => {
    const home = await initHome();
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => circle(home, ['auth', 'login', '--user', 'alice', '--password-stdin'], { input: 'wrong password here\n' })),
    );
    expect(attempts.map((a) => a.code)).toEqual([3, 3, 3, 3, 3]);
    const right = await circle(home, ['auth', 'login', '--user', 'alice', '--password-stdin', '--json'], { input: `${PASSWORD}\n` });
    expect(right.code).toBe(3);
    const error = (JSON.parse(right.stdout) as { error: { code: string; details: { lockedUntil: string } } }).error;
    expect(error.code).toBe('AUTH_LOCKED');
    expect(Date.parse(error.details.lockedUntil)).toBeGreaterThan(Date.now());
  }, 60_000);
});

describe('machine tokens and roles', () => {
  it('a ci token works with no session, is denied writes, and fails once revoked', async () => {
    const home = await initHome();
    await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    const created = await circle(home, ['auth', 'token', 'create', '--name', 'ci', '--role', 'ci', '--expires', '30d']);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^circle_t_[a-f0-9]{16}_[\w-]{43}$/);
    const tokenSecret = token.split('_').slice(3).join('_'); // the secret may itself contain '_'
    secrets.push(tokenSecret);
    await circle(home, ['auth', 'logout']);
    const who = await circle(home, ['auth', 'whoami', '--json'], { env: { CIRCLE_TOKEN: token } });
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ type: 'token', role: 'ci' });
    const denied = await circle(home, ['keys', 'rotate'], { env: { CIRCLE_TOKEN: token } });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/may not keys\.rotate/);
    const list = await circle(home, ['auth', 'token', 'list', '--json'], { env: { CIRCLE_TOKEN: token } });
    expect(list.code).toBe(3);

    await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    const listed = await circle(home, ['auth', 'token', 'list', '--json']);
    expect(listed.stdout).not.toContain(tokenSecret);
    expect((await circle(home, ['auth', 'token', 'revoke', 'ci'])).code).toBe(0);
    const revoked = await circle(home, ['auth', 'whoami'], { env: { CIRCLE_TOKEN: token } });
    expect(revoked.code).toBe(3);
    expect((await circle(home, ['auth', 'whoami'], { env: { CIRCLE_TOKEN: 'circle_t_0000000000000000_' + 'A'.repeat(43) } })).code).toBe(3);
  }, 120_000);

  it('a viewer must change the reset password, then is denied writes (exit 3)', async () => {
    const home = await initHome();
    await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    const add = await circle(home, ['auth', 'users', 'add', 'vic', '--role', 'viewer', '--password-stdin'], { input: 'temporary password 1\n' });
    expect(add.code, add.stderr).toBe(0);
    secrets.push('temporary password 1', 'fresh new passphrase');
    const forced = await circle(home, ['auth', 'login', '--user', 'vic', '--password-stdin'], { input: 'temporary password 1\n' });
    expect(forced.code).toBe(3);
    expect(forced.stderr).toMatch(/must be changed/);
    const passwd = await circle(home, ['auth', 'passwd', '--user-name', 'vic', '--password-stdin'], { input: 'temporary password 1\nfresh new passphrase\n' });
    expect(passwd.code, passwd.stderr).toBe(0);
    const login = await circle(home, ['auth', 'login', '--user', 'vic', '--password-stdin'], { input: 'fresh new passphrase\n' });
    expect(login.code, login.stderr).toBe(0);
    expect((await circle(home, ['keys', 'list'])).code).toBe(0);
    expect((await circle(home, ['keys', 'rotate'])).code).toBe(3);
    expect((await circle(home, ['auth', 'users', 'add', 'eve', '--role', 'admin', '--password-stdin'], { input: 'eve long password\n' })).code).toBe(3);
    expect((await circle(home, ['auth', 'token', 'create', '--name', 'x'])).code).toBe(3);
  }, 120_000);
});

describe('users and keys commands', () => {
  it('lists, locks, re-roles and removes users; lists and rotates keys', async () => {
    const home = await initHome();
    await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    expect((await circle(home, ['auth', 'users', 'add', 'dana', '--role', 'developer', '--password-stdin'], { input: 'initial secret 99\n' })).code).toBe(0);
    secrets.push('initial secret 99');
    const list = JSON.parse((await circle(home, ['auth', 'users', 'list', '--json'])).stdout) as { users: { name: string; role: string; mustChangePassword: boolean; publicKey: string }[] };
    expect(list.users.map((u) => [u.name, u.role])).toEqual([['alice', 'admin'], ['dana', 'developer']]);
    expect(Buffer.from(list.users[1]!.publicKey, 'base64')).toHaveLength(32);
    expect((await circle(home, ['auth', 'users', 'role', 'dana', 'maintainer'])).code).toBe(0);
    expect((await circle(home, ['auth', 'users', 'lock', 'dana'])).code).toBe(0);
    expect((await circle(home, ['auth', 'users', 'lock', 'alice'])).code).toBe(6);
    expect((await circle(home, ['auth', 'users', 'unlock', 'dana'])).code).toBe(0);
    const rotate = await circle(home, ['keys', 'rotate', '--reencrypt', '--json']);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(JSON.parse(rotate.stdout)).toMatchObject({ previous: 'k1', active: 'k2' });
    const keys = JSON.parse((await circle(home, ['keys', 'list', '--json'])).stdout) as { keys: { kid: string; active: boolean; records: number }[] };
    expect(keys.keys.map((k) => [k.kid, k.active])).toEqual([['k1', false], ['k2', true]]);
    expect(keys.keys[0]!.records).toBe(0);
    const removed = await circle(home, ['auth', 'users', 'remove', 'dana', '--yes', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: 'dana', generation: 2 });
    // The admin's own session survives the re-key.
    expect((await circle(home, ['auth', 'whoami'])).code).toBe(0);
    expect((await circle(home, ['auth', 'users', 'remove', 'nobody', '--yes'])).code).toBe(4);
  });
});

describe('tamper (CLI)', () => {
  it('a flipped byte in vault.json is exit 5 for whoami and login, and nothing is overwritten (swapped records: test/core/vault/tamper.test.ts)', async () => {
    const home = await initHome();
    await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
    await circle(home, ['auth', 'users', 'add', 'bob', '--role', 'developer', '--password-stdin'], { input: 'bob initial password\n' });
    secrets.push('bob initial password');
    const file = join(home, 'vault.json');
    const original = readFileSync(file);
    for (const pos of [10, Math.floor(original.length / 3), Math.floor(original.length / 2), original.length - 20]) {
      const bad = Buffer.from(original);
      bad[pos]! ^= 0x04;
      writeFileSync(file, bad);
      const r = await circle(home, ['auth', 'whoami']);
      expect(r.code, `position ${pos}: ${r.stderr}`).toBe(5);
      expect(readFileSync(file).equals(bad)).toBe(true);
      const login = await circle(home, ['auth', 'login', '--password-stdin'], { input: `${PASSWORD}\n` });
      expect(login.code).toBe(5);
    }
    writeFileSync(file, original);
    expect((await circle(home, ['auth', 'whoami'])).code).toBe(0);
  }, 120_000);
});

describe('no secret leaks', () => {
  it('no password, TOTP secret, recovery code or token appears where it should not', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const home of homes) {
      for (const file of filesUnder(home)) {
        if (file.endsWith('session.token')) continue;
        const text = readFileSync(file, 'latin1');
        for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 4)}… in ${file}`).toBe(false);
      }
    }
    for (const r of outputs) {
      for (const secret of [PASSWORD, 'temporary password 1', 'fresh new passphrase', 'bob initial password']) {
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
    }
  });
});
