import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argon2idRaw, argon2NeedsUpgrade, argon2Verify, currentArgon2Params, DEFAULT_ARGON2_PARAMS, hkdf, loadArgon2 } from '../../../src/core/crypto/kdf.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const { argon2id } = JSON.parse(readFileSync(resolve(repoRoot, 'test/vectors/auth/otp-argon2-vectors.json'), 'utf8')) as {
  argon2id: {
    rfc9106_section_5_3: { memory_kib: number; passes: number; lanes: number; tag_len: number; password_hex: string; salt_hex: string; secret_hex: string; associated_data_hex: string; tag_hex: string };
    phc_winner_reference: { password: string; salt: string; vectors: { phc: string; tag_hex?: string }[] };
  };
};

describe('argon2 native module', () => {
  it('loads and verifies a known hash (a broken prebuilt binary fails here, not for a user)', async () => {
    const argon2 = await loadArgon2();
    expect(typeof argon2.hash).toBe('function');
    const phc = argon2id.phc_winner_reference.vectors[2]!.phc;
    expect(await argon2Verify(phc, 'password')).toBe(true);
    expect(await argon2Verify(phc, 'passwore')).toBe(false);
  });
});

describe('Argon2id known answers', () => {
  it('RFC 9106 §5.3 (with secret and associated data) through our KDF', async () => {
    const v = argon2id.rfc9106_section_5_3;
    const tag = await argon2idRaw(
      Buffer.from(v.password_hex, 'hex'),
      Buffer.from(v.salt_hex, 'hex'),
      { alg: 'argon2id', version: 19, memoryKiB: v.memory_kib, timeCost: v.passes, parallelism: v.lanes },
      { secret: Buffer.from(v.secret_hex, 'hex'), associatedData: Buffer.from(v.associated_data_hex, 'hex') },
      v.tag_len,
    );
    expect(tag.toString('hex')).toBe(v.tag_hex);
  });

  it.each(argon2id.phc_winner_reference.vectors.filter((v) => v.tag_hex))('PHC reference $phc', async ({ phc, tag_hex }) => {
    const m = /m=(\d+),t=(\d+),p=(\d+)/.exec(phc)!;
    const tag = await argon2idRaw(Buffer.from('password'), Buffer.from('somesalt'), { alg: 'argon2id', version: 19, memoryKiB: Number(m[1]), timeCost: Number(m[2]), parallelism: Number(m[3]) });
    expect(tag.toString('hex')).toBe(tag_hex);
    expect(await argon2Verify(phc, 'password')).toBe(true);
  });
});

describe('parameters', () => {
  it('defaults to m=64 MiB, t=3, p=1 and flags weaker stored parameters for upgrade', () => {
    expect(currentArgon2Params({})).toEqual(DEFAULT_ARGON2_PARAMS);
    expect(DEFAULT_ARGON2_PARAMS).toMatchObject({ memoryKiB: 65536, timeCost: 3, parallelism: 1 });
    expect(argon2NeedsUpgrade({ ...DEFAULT_ARGON2_PARAMS, memoryKiB: 1024 }, DEFAULT_ARGON2_PARAMS)).toBe(true);
    expect(argon2NeedsUpgrade(DEFAULT_ARGON2_PARAMS, DEFAULT_ARGON2_PARAMS)).toBe(false);
    expect(currentArgon2Params({ CIRCLE_ARGON2_MEMORY_KIB: '1024', CIRCLE_ARGON2_TIME_COST: '1' })).toMatchObject({ memoryKiB: 1024, timeCost: 1 });
  });
  it('HKDF-SHA-256 matches RFC 5869 test case 1', () => {
    const okm = hkdf(Buffer.from('0b'.repeat(22), 'hex'), Buffer.from('000102030405060708090a0b0c', 'hex'), Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'), 42);
    expect(okm.toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });
});
