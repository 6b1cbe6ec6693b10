import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bech32Decode, bech32Encode } from '../../../src/core/age/bech32.js';
import { decodeStrictBase64 } from '../../../src/core/age/base64.js';
import { ed25519PublicToX25519, isEd25519Point } from '../../../src/core/crypto/ed25519-to-x25519.js';
import { encodeHeader, parseHeader } from '../../../src/core/age/header.js';
import {
  ArmorDecoder,
  ScryptIdentity,
  ScryptRecipient,
  X25519Identity,
  X25519Recipient,
  decryptBuffer,
  encryptBuffer,
  generateX25519KeyPair,
  recipientOfIdentity,
} from '../../../src/core/age/index.js';
import { x25519PublicFromPrivate as x25519PublicFromScalar } from '../../../src/core/crypto/x25519.js';

const pair = generateX25519KeyPair();
const recipient = new X25519Recipient(pair.recipient);
const identity = new X25519Identity(pair.identity);

describe('bech32', () => {
  it('accepts the BIP 173 valid vectors', () => {
    for (const v of ['A12UEL5L', 'a12uel5l', 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw', 'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w']) {
      expect(() => bech32Decode(v)).not.toThrow();
    }
  });
  it('rejects BIP 173 invalid vectors and mixed case', () => {
    for (const v of ['pzry9x0s0muk', '1pzry9x0s0muk', 'x1b4n0q5v', 'li1dgmt3', 'A1G7SGD8', 'a12UEL5L', 'abc1rzg']) {
      expect(() => bech32Decode(v)).toThrow();
    }
  });
  it('round-trips any data', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
      const decoded = bech32Decode(bech32Encode('age', data));
      expect(decoded.hrp).toBe('age');
      expect(Buffer.compare(decoded.data, Buffer.from(data))).toBe(0);
    }));
  });
  it('derives the recipient of an identity', () => {
    expect(recipientOfIdentity(pair.identity)).toBe(pair.recipient);
    expect(pair.identity.startsWith('AGE-SECRET-KEY-1')).toBe(true);
  });
});

describe('strict base64', () => {
  it('rejects padding, junk and non-canonical trailing bits', () => {
    expect(() => decodeStrictBase64('AAA=')).toThrow();
    expect(() => decodeStrictBase64('AA A')).toThrow();
    expect(() => decodeStrictBase64('AB')).toThrow(); // trailing bits set
    expect(decodeStrictBase64('AA').length).toBe(1);
  });
});

describe('Ed25519 → X25519', () => {
  it('agrees with the X25519 key of the same seed (SHA-512 scalar) for random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const priv = createEd25519FromSeed(Buffer.from(seed));
        const scalar = createHash('sha512').update(seed).digest().subarray(0, 32);
        expect(ed25519PublicToX25519(priv).toString('hex')).toBe(x25519PublicFromScalar(scalar).toString('hex'));
      }),
      { numRuns: 30 },
    );
  });
  it('rejects encodings that are not curve points', () => {
    const notPoint = Buffer.alloc(32);
    notPoint[0] = 2; // y = 2 has no x on edwards25519
    expect(isEd25519Point(notPoint)).toBe(false);
    expect(() => ed25519PublicToX25519(Buffer.alloc(32, 0xff))).toThrow();
  });
});

function createEd25519FromSeed(seed: Buffer): Buffer {
  // PKCS#8 for Ed25519 is a fixed prefix + the 32-byte seed (RFC 8410).
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12);
}

describe('round trip', () => {
  it('decrypts what it encrypts, for any size around chunk boundaries, binary and armored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 65535, 65536, 65537, 131072, 200000), fc.boolean(), async (size, armor) => {
        const data = randomBytes(size);
        const ct = await encryptBuffer(data, [recipient], { armor });
        expect((await decryptBuffer(ct, [identity])).equals(data)).toBe(true);
      }),
      { numRuns: 14 },
    );
  });
  it('round-trips with a passphrase and refuses a wrong one (exit 5)', async () => {
    const ct = await encryptBuffer(Buffer.from('hi'), [new ScryptRecipient('pw', 4)]);
    expect((await decryptBuffer(ct, [new ScryptIdentity('pw')])).toString()).toBe('hi');
    await expect(decryptBuffer(ct, [new ScryptIdentity('nope')])).rejects.toMatchObject({ exitCode: 5 });
  });
  it('fails with exit 5 when no identity matches', async () => {
    const ct = await encryptBuffer(Buffer.from('hi'), [recipient]);
    await expect(decryptBuffer(ct, [new X25519Identity(generateX25519KeyPair().identity)])).rejects.toMatchObject({ code: 'DECRYPT_FAILED', exitCode: 5 });
  });
});

describe('tampering is rejected', () => {
  const data = randomBytes(3 * 65536 + 100);
  let ct: Buffer;
  const headerEnd = () => ct.indexOf('\n', ct.indexOf('\n---')+1) + 1;
  const reject = async (bytes: Buffer) => expect(decryptBuffer(bytes, [identity])).rejects.toMatchObject({ exitCode: 5 });

  it('truncation at any chunk boundary or inside a chunk', async () => {
    ct = await encryptBuffer(data, [recipient]);
    const start = headerEnd() + 16;
    for (const cut of [ct.length - 1, ct.length - 100, start + 65552 * 3, start + 65552 * 2, start + 65552, start + 10, start, headerEnd() + 3, 20]) {
      await reject(ct.subarray(0, cut));
    }
  });
  it('reordered and dropped chunks, trailing data', async () => {
    ct = await encryptBuffer(data, [recipient]);
    const start = headerEnd() + 16;
    const c = (i: number) => ct.subarray(start + i * 65552, start + (i + 1) * 65552);
    const head = ct.subarray(0, start);
    await reject(Buffer.concat([head, c(1), c(0), ct.subarray(start + 2 * 65552)]));
    await reject(Buffer.concat([head, c(0), c(2), ct.subarray(start + 3 * 65552)]));
    await reject(Buffer.concat([ct, Buffer.from([0])]));
    await reject(Buffer.concat([ct, ct.subarray(start)]));
  });
  it('any flipped bit in header or payload', async () => {
    const small = await encryptBuffer(randomBytes(70000), [recipient]);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: small.length - 1 }), fc.nat({ max: 7 }), async (pos, bit) => {
        const bad = Buffer.from(small);
        bad[pos]! ^= 1 << bit;
        await expect(decryptBuffer(bad, [identity])).rejects.toMatchObject({ exitCode: expect.any(Number) });
      }),
      { numRuns: 60 },
    );
  });
});

describe('header malformations named by the spec', () => {
  const fileKey = randomBytes(16);
  const good = encodeHeader([{ type: 'X25519', args: ['A'.repeat(43)], body: randomBytes(32) }], fileKey).toString('latin1');
  const cases: Record<string, string> = {
    'wrong version line': good.replace('age-encryption.org/v1', 'age-encryption.org/v2'),
    'no stanza': 'age-encryption.org/v1\n--- ' + 'A'.repeat(43) + '\n',
    'empty argument': good.replace('-> X25519 ', '-> X25519  '),
    'padded body': good.replace(/\n([A-Za-z0-9+/]{43})\n---/, '\n$1=\n---'),
    'body line over 64 columns': 'age-encryption.org/v1\n-> x\n' + 'A'.repeat(68) + '\n--- ' + 'A'.repeat(43) + '\n',
    'full last body line without a short line after it': 'age-encryption.org/v1\n-> x\n' + 'A'.repeat(64) + '\n--- ' + 'A'.repeat(43) + '\n',
    'short MAC': good.replace(/--- .*\n$/, '--- AAAA\n'),
    'CR in header': good.replace('\n', '\r\n'),
    'missing MAC line': good.replace(/--- .*\n$/, ''),
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      expect(() => parseHeader(Buffer.from(text, 'latin1'))).toThrow(/Malformed age file/);
    });
  }
  it('parses the well-formed header', () => {
    expect(parseHeader(Buffer.from(good, 'latin1')).stanzas).toHaveLength(1);
  });
  it('refuses a scrypt stanza beside another and too-high or non-canonical work factors', async () => {
    const salt = randomBytes(16).toString('base64').replace(/=+$/, '');
    const mk = (stanzas: { type: string; args: string[] }[]) =>
      Buffer.concat([encodeHeader(stanzas.map((s) => ({ ...s, body: randomBytes(32) })), fileKey), randomBytes(40)]);
    await expect(decryptBuffer(mk([{ type: 'scrypt', args: [salt, '10'] }, { type: 'X25519', args: ['A'.repeat(43)] }]), [new ScryptIdentity('x')])).rejects.toThrow(/only stanza/);
    await expect(decryptBuffer(mk([{ type: 'scrypt', args: [salt, '30'] }]), [new ScryptIdentity('x')])).rejects.toThrow(/work factor 30/);
    await expect(decryptBuffer(mk([{ type: 'scrypt', args: [salt, '010'] }]), [new ScryptIdentity('x')])).rejects.toThrow(/canonical/);
  });
  it('armor: refuses garbage, missing END and non-canonical base64', () => {
    const dec = () => new ArmorDecoder();
    expect(() => { const d = dec(); d.update(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYQ==\n')); d.final(); }).toThrow(/END/);
    expect(() => dec().update(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYR==\n'))).toThrow(/canonical/);
    expect(() => dec().update(Buffer.from('hello\n'))).toThrow(/BEGIN/);
  });
});
