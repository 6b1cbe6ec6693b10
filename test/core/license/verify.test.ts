import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, ed25519PublicPem } from '../../../src/core/crypto/ed25519.js';
import { inspectLicense, machineFingerprint, signLicense, signRevocationList, verifyLicense } from '../../../src/core/license/index.js';
import { spkiKeyId } from '../../../src/core/crypto/ed25519.js';

const issuer = generateEd25519KeyPair();
const other = generateEd25519KeyPair();
const kid = spkiKeyId(issuer.publicKey);
const DAY = 86_400_000;
const T0 = Date.parse('2027-03-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'circle-license-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sign(terms: Partial<Parameters<typeof signLicense>[0]> = {}, options: Parameters<typeof signLicense>[2] = {}) {
  return signLicense({ licensee: 'Acme Ltd', product: 'Rocket', entitlements: ['pro', 'sso'], meta: { order: '42' }, ...terms }, issuer.seed, { issued: T0, ...options });
}

describe('verifyLicense', () => {
  it('accepts a good license and returns its entitlements, with the key in any of its spellings', () => {
    const { text, info } = sign({ expires: T0 + 30 * DAY });
    for (const publicKey of [issuer.publicKey, issuer.publicKey.toString('base64'), issuer.publicKey.toString('hex'), ed25519PublicPem(issuer.publicKey)]) {
      const r = verifyLicense(text, { publicKey, now: T0 + DAY });
      expect(r).toMatchObject({ valid: true, reason: 'valid', format: 'circle', entitlements: ['pro', 'sso'] });
      expect(r.license).toEqual(info);
    }
    expect(info.kid).toBe(kid);
  });

  it('a license signed by another key: wrong-key', () => {
    const forged = signLicense({ licensee: 'Acme', product: 'Rocket' }, other.seed, { issued: T0 });
    const r = verifyLicense(forged.text, { publicKey: issuer.publicKey, now: T0 });
    expect(r).toMatchObject({ valid: false, reason: 'wrong-key', entitlements: [] });
    expect(r.license).toBeUndefined();
  });

  it('a changed payload with the right key id: tampered', () => {
    const { text } = sign();
    const body = text.split('\n').slice(1, -2).join('');
    const outer = JSON.parse(Buffer.from(body, 'base64').toString()) as { enc: string };
    const payload = JSON.parse(Buffer.from(outer.enc, 'base64').toString()) as { entitlements: string[] };
    payload.entitlements.push('enterprise');
    const forgedOuter = { ...outer, enc: Buffer.from(JSON.stringify(payload)).toString('base64') };
    const b64 = Buffer.from(JSON.stringify(forgedOuter)).toString('base64');
    const forged = `-----BEGIN CIRCLE LICENSE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CIRCLE LICENSE-----\n`;
    expect(verifyLicense(forged, { publicKey: issuer.publicKey, now: T0 })).toMatchObject({ valid: false, reason: 'tampered' });
  });

  it('issued in the future: clock-rolled-back (issued-in-future)', () => {
    const { text } = sign({}, { issued: T0 + DAY });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 })).toMatchObject({ valid: false, reason: 'clock-rolled-back', clock: 'issued-in-future' });
    // Inside the default five-minute skew it passes.
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + DAY - 60_000 }).valid).toBe(true);
  });

  it('not before: not-yet-valid', () => {
    const { text } = sign({ notBefore: T0 + 7 * DAY });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 })).toMatchObject({ valid: false, reason: 'not-yet-valid' });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 8 * DAY }).valid).toBe(true);
  });

  it('expired inside its grace period: valid, in-grace, with days left; outside: expired, with how long ago', () => {
    const { text } = sign({ expires: T0 + 10 * DAY, graceSeconds: 7 * 86_400 });
    const inGrace = verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 12 * DAY });
    expect(inGrace).toMatchObject({ valid: true, reason: 'in-grace', graceDaysLeft: 5, expiredDays: 2, entitlements: ['pro', 'sso'] });
    expect(inGrace.warnings[0]).toMatch(/grace period, 5 day\(s\) left/);
    const expired = verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 20 * DAY });
    expect(expired).toMatchObject({ valid: false, reason: 'expired', expiredDays: 10, entitlements: [] });
    expect(expired.message).toMatch(/expired 10 day\(s\) ago/);
  });

  it('a trial expires like any other license', () => {
    const { text, info } = sign({ trial: true, expires: T0 + 14 * DAY });
    expect(info.trial).toBe(true);
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 15 * DAY }).reason).toBe('expired');
  });

  it('node-locked: wrong-machine elsewhere, valid on its machine (auto fingerprint)', () => {
    const here = machineFingerprint().fingerprint;
    const { text } = sign({ machine: here });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 }).valid).toBe(true);
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, machine: 'auto' }).valid).toBe(true);
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, machine: 'f'.repeat(64) })).toMatchObject({ valid: false, reason: 'wrong-machine' });
  });

  it('revoked serial: revoked; a stale, foreign or forged list: revocation-list-invalid', () => {
    const { text, info } = sign();
    const list = (serials: string[], seed = issuer.seed, k = kid, expires = T0 + 30 * DAY) =>
      signRevocationList({ kid: k, issued: new Date(T0 - DAY).toISOString(), expires: new Date(expires).toISOString(), serials }, seed);
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, revocations: list([info.serial]) })).toMatchObject({ valid: false, reason: 'revoked' });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, revocations: list(['0'.repeat(20)]) }).valid).toBe(true);
    const stale = verifyLicense(text, { publicKey: issuer.publicKey, now: T0, revocations: list([], issuer.seed, kid, T0 - 1) });
    expect(stale).toMatchObject({ valid: false, reason: 'revocation-list-invalid' });
    expect(stale.message).toMatch(/expired/);
    const foreign = list([], other.seed, spkiKeyId(other.publicKey));
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, revocations: foreign }).reason).toBe('revocation-list-invalid');
    // A list signed by the right key but claiming another key's id is refused before its signature is trusted.
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, revocations: list([], other.seed) }).reason).toBe('revocation-list-invalid');
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, revocations: 'junk' }).reason).toBe('revocation-list-invalid');
    // Advisory mode: a stale list only warns.
    const advisory = verifyLicense(text, { publicKey: issuer.publicKey, now: T0, mode: 'advisory', revocations: list([], issuer.seed, kid, T0 - 1) });
    expect(advisory).toMatchObject({ valid: true, reason: 'revocation-list-invalid' });
    expect(advisory.warnings).toHaveLength(1);
  });

  it('clock set back below the last-seen time: clock-rolled-back; an edited state file too', () => {
    const { text } = sign({ expires: T0 + 30 * DAY });
    const path = join(dir, 'app-data', 'last-seen.json');
    const lastSeen = { path };
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 20 * DAY, lastSeen }).valid).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).at).toBe(new Date(T0 + 20 * DAY).toISOString());
    // The user winds the clock back to before the expiry they already passed.
    const back = verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 2 * DAY, lastSeen });
    expect(back).toMatchObject({ valid: false, reason: 'clock-rolled-back', clock: 'before-last-seen' });
    // A read-only check does not move the state.
    verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 25 * DAY, lastSeen: { path, update: false } });
    expect(JSON.parse(readFileSync(path, 'utf8')).at).toBe(new Date(T0 + 20 * DAY).toISOString());
    // Editing the time in the state file breaks its MAC.
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { at: string };
    writeFileSync(path, JSON.stringify({ ...doc, at: new Date(T0).toISOString() }));
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + DAY, lastSeen })).toMatchObject({ valid: false, reason: 'clock-rolled-back', clock: 'last-seen-altered' });
  });

  it('advisory mode warns on policy failures but never accepts a forged or unreadable file', () => {
    const { text } = sign({ expires: T0 + DAY });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 + 9 * DAY, mode: 'advisory' })).toMatchObject({ valid: true, reason: 'expired', mode: 'advisory' });
    const forged = signLicense({ licensee: 'Acme', product: 'Rocket' }, other.seed, { issued: T0 });
    expect(verifyLicense(forged.text, { publicKey: issuer.publicKey, now: T0, mode: 'advisory' })).toMatchObject({ valid: false, reason: 'wrong-key' });
    expect(verifyLicense('hello', { publicKey: issuer.publicKey, mode: 'advisory' })).toMatchObject({ valid: false, reason: 'malformed' });
  });

  it('encrypted payloads need the license key', () => {
    const { text } = sign({}, { licenseKey: 'AAAA-BBBB' });
    expect(inspectLicense(text)).toMatchObject({ encrypted: true, alg: 'aes-256-gcm+ed25519' });
    expect(inspectLicense(text)?.payload).toBeUndefined();
    expect(inspectLicense(text, { licenseKey: 'AAAA-BBBB' })?.payload).toMatchObject({ licensee: 'Acme Ltd' });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, licenseKey: 'AAAA-BBBB' })).toMatchObject({ valid: true, entitlements: ['pro', 'sso'] });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0 })).toMatchObject({ valid: false, reason: 'malformed' });
    expect(verifyLicense(text, { publicKey: issuer.publicKey, now: T0, licenseKey: 'wrong' })).toMatchObject({ valid: false, reason: 'wrong-key' });
  });

  it('never throws on hostile input', () => {
    const hostile: unknown[] = [undefined, null, 42, '', '-----BEGIN CIRCLE LICENSE-----\n', '-----BEGIN CIRCLE LICENSE-----\n!!!!\n-----END CIRCLE LICENSE-----\n', { toString: () => 'x' }];
    for (const h of hostile) {
      expect(verifyLicense(h as string, { publicKey: issuer.publicKey }).valid).toBe(false);
    }
    expect(verifyLicense(sign().text, { publicKey: 'not a key' })).toMatchObject({ valid: false, reason: 'wrong-key' });
    expect(verifyLicense(sign().text, undefined as never).valid).toBe(false);
    expect(verifyLicense(sign().text, { publicKey: issuer.publicKey, now: 'yesterday' })).toMatchObject({ valid: false, reason: 'malformed' });
  });
});

describe('readRevocationsFromStore', () => {
  it('reads a list from an object store and caps its size', async () => {
    const { Readable } = await import('node:stream');
    const { readRevocationsFromStore } = await import('../../../src/core/license/sources.js');
    const list = signRevocationList({ kid, issued: new Date(T0).toISOString(), expires: new Date(T0 + DAY).toISOString(), serials: [] }, issuer.seed);
    const objects = new Map([['rocket/revocations.txt', Buffer.from(list)], ['huge', Buffer.alloc(2 * 1024 * 1024)]]);
    const info = (key: string) => ({ key, size: objects.get(key)!.length, etag: '1', lastModified: new Date(T0).toISOString(), metadata: {} });
    const store = {
      url: 'memory://',
      head: async (key: string) => info(key),
      get: async (key: string) => ({ info: info(key), body: Readable.from([objects.get(key)!]) }),
      put: async () => { throw new Error('read only'); },
      list: async function* () {},
      delete: async () => {},
    };
    expect(await readRevocationsFromStore(store, 'rocket/revocations.txt')).toBe(list);
    await expect(readRevocationsFromStore(store, 'huge')).rejects.toMatchObject({ code: 'INTEGRITY' });
  });
});
