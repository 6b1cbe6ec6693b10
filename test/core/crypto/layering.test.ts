import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../../src');
const cryptoDir = join(src, 'core/crypto');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!);

describe('crypto/ is the bottom layer and the only home of primitives', () => {
  it('crypto/ imports only node:, zod, argon2, errors and itself', () => {
    expect(importsOf(join(cryptoDir, 'hybrid-seal.ts'))).toEqual(['node:crypto', '../errors.js', './aead.js', './kdf.js', './x25519.js']);
    for (const file of sources(cryptoDir)) {
      for (const spec of importsOf(file)) {
        const ok = spec.startsWith('node:') || spec === 'zod' || spec === 'argon2' || spec === '../errors.js' || /^\.\/[\w-]+\.js$/.test(spec);
        expect(ok, `${file.slice(src.length + 1)} imports ${spec}`).toBe(true);
      }
    }
  });

  it('the Node 20 key-generation workaround and the raw-key DER prefixes exist once (crypto/okp.ts)', () => {
    const offenders = (pattern: RegExp) => sources(src).filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => f.slice(src.length + 1));
    expect(offenders(/generateKeyPair(Sync)?\b/)).toEqual(['core/crypto/okp.ts']);
    expect(offenders(/302e020100300506032b65(6e|70)04220420/)).toEqual(['core/crypto/okp.ts']);
    expect(offenders(/302a300506032b65(6e|70)032100/)).toEqual(['core/crypto/okp.ts']);
  });

  it('one AES-256-GCM, one X25519 key agreement, one Ed25519 signer', () => {
    const users = (pattern: RegExp) => sources(src).filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => f.slice(src.length + 1));
    expect(users(/(?:createCipheriv|createDecipheriv)\(\s*'aes-256-gcm'/)).toEqual(['core/crypto/gcm.ts']);
    expect(users(/diffieHellman\(/)).toEqual(['core/crypto/x25519.ts']);
    expect(users(/\bsign\(null|\bverify\(null|\b(?:sign|verify) as \w+/)).toEqual(['core/crypto/ed25519.ts']);
  });
});
