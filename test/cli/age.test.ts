import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateX25519KeyPair } from '../../src/core/age/x25519.js';
import { circle, hasCommand } from '../fixtures/secrets/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'circle-age-cli-'));
const home = join(dir, 'home');
const p = (f: string) => join(dir, f);
const keys = generateX25519KeyPair();
writeFileSync(p('id.txt'), `${keys.identity}\n`);
const data = randomBytes(200_000);
writeFileSync(p('data'), data);
const run = (args: string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}) => circle(args, { cwd: dir, home, ...options });
const hasAge = hasCommand('age');
if (!hasAge) console.warn('[circle tests] Debian `age` not found: `circle encrypt` interop checks are SKIPPED');

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('circle encrypt / decrypt', () => {
  it('encrypts a file to a recipient and decrypts it back (file and stdin)', () => {
    const enc = run(['encrypt', '-r', keys.recipient, '-o', p('data.age'), p('data')]);
    expect(enc.status, enc.stderr).toBe(0);
    const dec = run(['decrypt', '-i', p('id.txt'), '-o', p('out'), p('data.age')]);
    expect(dec.status, dec.stderr).toBe(0);
    expect(readFileSync(p('out')).equals(data)).toBe(true);
    // -i is repeatable but not greedy: the input file after it is the input, not a second identity.
    const positional = run(['decrypt', '-i', p('id.txt'), p('data.age'), '-o', p('out3')]);
    expect(positional.status, positional.stderr).toBe(0);
    expect(readFileSync(p('out3')).equals(data)).toBe(true);
    const viaStdin = circle(['decrypt', '-i', p('id.txt'), '-o', p('out2')], { cwd: dir, home, input: readFileSync(p('data.age')) });
    expect(viaStdin.status, viaStdin.stderr).toBe(0);
    expect(readFileSync(p('out2')).equals(data)).toBe(true);
  });

  it.skipIf(!hasAge)('its output decrypts with Debian age, and age output decrypts with it (armored)', () => {
    const enc = run(['encrypt', '-r', keys.recipient, '-a', '-o', p('a.age'), p('data')]);
    expect(enc.status, enc.stderr).toBe(0);
    expect(readFileSync(p('a.age'), 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    expect(execFileSync('age', ['-d', '-i', p('id.txt'), p('a.age')], { maxBuffer: 1 << 24 }).equals(data)).toBe(true);
    execFileSync('age', ['-r', keys.recipient, '-a', '-o', p('b.age'), p('data')]);
    expect(run(['decrypt', '-i', p('id.txt'), '-o', p('b.out'), p('b.age')]).status).toBe(0);
    expect(readFileSync(p('b.out')).equals(data)).toBe(true);
  });

  it('passphrase from CIRCLE_PASSPHRASE; a wrong one is exit 5', () => {
    const env = { CIRCLE_PASSPHRASE: 'correct horse battery' };
    expect(run(['encrypt', '-p', '-o', p('p.age'), p('data')], { env }).status).toBe(0);
    expect(run(['decrypt', '-o', p('p.out'), p('p.age')], { env }).status).toBe(0);
    expect(readFileSync(p('p.out')).equals(data)).toBe(true);
    expect(run(['decrypt', '-o', p('p.bad'), p('p.age')], { env: { CIRCLE_PASSPHRASE: 'wrong' } }).status).toBe(5);
    expect(run(['decrypt', '-o', p('p.bad'), p('p.age')]).status).toBe(2); // no passphrase source in CI
  }, 60_000);

  it('truncated or modified files fail with exit 5 and leave no output file', () => {
    const full = readFileSync(p('data.age'));
    writeFileSync(p('trunc.age'), full.subarray(0, full.length - 1000));
    const r = run(['decrypt', '-i', p('id.txt'), '-o', p('trunc.out'), p('trunc.age')]);
    expect(r.status).toBe(5);
    expect(existsSync(p('trunc.out'))).toBe(false);
    const flipped = Buffer.from(full);
    flipped[flipped.length - 70_000]! ^= 0x10;
    writeFileSync(p('flip.age'), flipped);
    expect(run(['decrypt', '-i', p('id.txt'), '-o', p('flip.out'), p('flip.age')]).status).toBe(5);
    expect(existsSync(p('flip.out'))).toBe(false);
  });

  it('a file large enough for payload workers: round trip, interop with age, damage is exit 5', () => {
    // Above the default threshold (32 MiB) of src/core/age/file.ts, so the worker pool runs.
    const big = randomBytes((32 << 20) + 70_000);
    writeFileSync(p('big'), big);
    expect(run(['encrypt', '-r', keys.recipient, '-o', p('big.age'), p('big')]).status).toBe(0);
    expect(run(['decrypt', '-i', p('id.txt'), '-o', p('big.out'), p('big.age')]).status).toBe(0);
    expect(readFileSync(p('big.out')).equals(big)).toBe(true);
    if (hasAge) {
      execFileSync('age', ['-d', '-i', p('id.txt'), '-o', p('big.age-out'), p('big.age')]);
      expect(readFileSync(p('big.age-out')).equals(big)).toBe(true);
      execFileSync('age', ['-r', keys.recipient, '-o', p('big.by-age'), p('big')]);
      expect(run(['decrypt', '-i', p('id.txt'), '-o', p('big.out2'), p('big.by-age')]).status).toBe(0);
      expect(readFileSync(p('big.out2')).equals(big)).toBe(true);
    }
    const ct = readFileSync(p('big.age'));
    const flipped = Buffer.from(ct);
    flipped[ct.length >> 1]! ^= 0x01;
    writeFileSync(p('big.flip'), flipped);
    writeFileSync(p('big.trunc'), ct.subarray(0, ct.length - 65_552));
    for (const name of ['big.flip', 'big.trunc']) {
      const r = run(['decrypt', '-i', p('id.txt'), '-o', p(`${name}.out`), p(name)]);
      expect(r.status, r.stderr).toBe(5);
      expect(existsSync(p(`${name}.out`))).toBe(false);
    }
  });

  it('usage errors: no recipient, passphrase mixed with recipients, bad recipient', () => {
    expect(run(['encrypt', '-o', p('x.age'), p('data')]).status).toBe(2);
    expect(run(['encrypt', '-p', '-r', keys.recipient, '-o', p('x.age'), p('data')], { env: { CIRCLE_PASSPHRASE: 'x' } }).status).toBe(2);
    expect(run(['encrypt', '-r', 'age1notakey', '-o', p('x.age'), p('data')]).status).toBe(2);
  });
});
