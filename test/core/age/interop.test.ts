import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ScryptIdentity, ScryptRecipient, decryptBuffer, encryptBuffer, parseIdentityFile, parseRecipient } from '../../../src/core/age/index.js';
import { hasAge, hasScript, hasSshKeygen, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'circle-age-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (f: string) => join(dir, f);

describe.skipIf(!hasAge)('interop with Debian age', () => {
  const data = randomBytes(150_000);
  // vitest collects a skipped describe too: without age, make no keys (the tests are skipped anyway).
  if (hasAge) writeFileSync(p('data'), data);
  if (hasAge) run('age-keygen', ['-o', p('id.txt')]);
  const x25519 = hasAge ? run('age-keygen', ['-y', p('id.txt')]).toString().trim() : '';
  const kinds: [string, () => string, string][] = [['X25519', () => x25519, 'id.txt']];
  if (hasAge && hasSshKeygen) {
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', p('ed')]);
    run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', p('rsa')]);
    kinds.push(['ssh-ed25519', () => readFileSync(p('ed.pub'), 'utf8').trim(), 'ed'], ['ssh-rsa', () => readFileSync(p('rsa.pub'), 'utf8').trim(), 'rsa']);
  } else {
    console.warn('[circle tests] ssh-keygen not found: ssh interop tests are skipped');
  }
  for (const [kind, recipientText, idFile] of kinds) {
    for (const armor of [false, true]) {
      it(`circle → age, ${kind}${armor ? ', armored' : ''}`, async () => {
        writeFileSync(p('ct'), await encryptBuffer(data, [parseRecipient(recipientText())], { armor }));
        expect(run('age', ['-d', '-i', p(idFile), p('ct')]).equals(data)).toBe(true);
      });
      it(`age → circle, ${kind}${armor ? ', armored' : ''}`, async () => {
        run('age', ['-r', recipientText(), ...(armor ? ['-a'] : []), '-o', p('ct2'), p('data')]);
        const out = await decryptBuffer(readFileSync(p('ct2')), parseIdentityFile(readFileSync(p(idFile), 'utf8')));
        expect(out.equals(data)).toBe(true);
      });
    }
  }
  it.skipIf(!hasScript)('both ways with a passphrase (scrypt), age driven through a pseudo-terminal', async () => {
    writeFileSync(p('sct'), await encryptBuffer(data, [new ScryptRecipient('correct horse', 10)]));
    execSync(`(sleep 0.3; printf 'correct horse\\n') | script -qec "age -d -o '${p('sout')}' '${p('sct')}'" /dev/null`, { stdio: 'ignore' });
    expect(readFileSync(p('sout')).equals(data)).toBe(true);
    execSync(`(sleep 0.3; printf 'pw two\\n'; sleep 0.3; printf 'pw two\\n') | script -qec "age -p -o '${p('sct2')}' '${p('data')}'" /dev/null`, { stdio: 'ignore' });
    expect((await decryptBuffer(readFileSync(p('sct2')), [new ScryptIdentity('pw two')])).equals(data)).toBe(true);
  }, 30_000);
  it('age rejects a file of ours with one flipped payload bit, and we reject its', async () => {
    const ct = await encryptBuffer(data, [parseRecipient(x25519)]);
    ct[ct.length - 20]! ^= 1;
    writeFileSync(p('bad'), ct);
    expect(() => run('age', ['-d', '-i', p('id.txt'), p('bad')])).toThrow();
    run('age', ['-r', x25519, '-o', p('ct3'), p('data')]);
    const theirs = readFileSync(p('ct3'));
    theirs[theirs.length - 20]! ^= 1;
    await expect(decryptBuffer(theirs, parseIdentityFile(readFileSync(p('id.txt'), 'utf8')))).rejects.toMatchObject({ exitCode: 5 });
  });
});
