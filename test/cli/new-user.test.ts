/** issue 14 item 6: small things a new user hits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

const PASSWORD = 'correct horse battery staple';
const fast = { CIRCLE_ARGON2_MEMORY_KIB: '1024' };
const t = tempHome();
let env: NodeJS.ProcessEnv = fast;

beforeAll(async () => {
  expect((await runCli(['init', '--admin', 'alice', '--password-stdin', '--no-mfa', '--yes'], { home: t.home, input: `${PASSWORD}\n`, env: fast })).code).toBe(0);
  const login = await runCli(['auth', 'login', '--password-stdin', '--json'], { home: t.home, input: `${PASSWORD}\n`, env: fast });
  env = { ...fast, CIRCLE_SESSION: (JSON.parse(login.stdout) as { token: string }).token };
}, 60_000);
afterAll(() => t.cleanup());

describe('a new team member can find their own recipient', () => {
  it('`secrets recipients whoami` prints the age1… recipient alone on stdout, and --json gives it too', async () => {
    const plain = await runCli(['secrets', 'recipients', 'whoami'], { home: t.home, env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^age1[02-9ac-hj-np-z]{58}\n$/);
    const json = await runCli(['secrets', 'recipients', 'whoami', '--json'], { home: t.home, env });
    expect(JSON.parse(json.stdout)).toEqual({ actor: { type: 'user', id: 'alice' }, recipient: plain.stdout.trim() });
  });

  it('`auth users list` shows the same recipient, and --json has it in the age1… form', async () => {
    const own = (await runCli(['secrets', 'recipients', 'whoami'], { home: t.home, env })).stdout.trim();
    const list = await runCli(['auth', 'users', 'list'], { home: t.home, env });
    expect(list.stdout).toContain(own);
    const json = JSON.parse((await runCli(['auth', 'users', 'list', '--json'], { home: t.home, env })).stdout) as { users: { name: string; recipient: string }[] };
    expect(json.users.find((u) => u.name === 'alice')?.recipient).toBe(own);
  });
});

describe('sub-topic help', () => {
  for (const [topic, words] of [
    ['auth users', /Users of the vault/],
    ['auth mfa', /Authenticator/],
    ['auth token', /Machine tokens/],
    ['scan db', /advisory database/],
    ['secrets recipients', /Who can read/],
  ] as const) {
    it(`\`circle ${topic} --help\` starts with the topic's description`, async () => {
      const r = await runCli([...topic.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(words);
    });
  }
});
