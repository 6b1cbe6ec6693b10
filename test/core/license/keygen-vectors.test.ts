import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../../src/core/crypto/ed25519.js';
import { inspectLicense, verifyLicense } from '../../../src/core/license/index.js';

/** Keygen's own license-file vectors (test/fixtures/license/README.md) give their documented verdicts. */
const dir = join(import.meta.dirname, '../../fixtures/license/keygen');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const publicKey = '775e65407f3d86de55efbac47d1bbeab79768a21a406e39976606a704984e7d1';
const licenseKey = 'TEST-116A58-3F79F9-9F1982-9D63B1-V3';
const now = Date.parse('2026-12-01T00:00:00Z');

describe('Keygen license files', () => {
  it('valid.lic is valid, with its entitlements and product', () => {
    const r = verifyLicense(read('valid.lic'), { publicKey, licenseKey, now });
    expect(r).toMatchObject({ valid: true, reason: 'valid', format: 'keygen', entitlements: ['Permissions', 'EVENT_LOGS', 'REQUEST_LOGS'] });
    expect(r.license).toMatchObject({ serial: 'a0025fa0-87eb-4076-9190-04038d2f2826', product: 'Test', issued: '2022-12-19T17:57:50.524Z', seats: 2 });
    // The payload carries the license key; it must not come out in the result.
    expect(JSON.stringify(r)).not.toContain(licenseKey);
  });

  it('expired.lic is expired (its file TTL and the license both passed)', () => {
    const r = verifyLicense(read('expired.lic'), { publicKey, licenseKey, now });
    expect(r).toMatchObject({ valid: false, reason: 'expired', format: 'keygen', entitlements: [] });
    expect(r.message).toMatch(/expired .* ago \(2022-10-2/);
    // An hour after it was issued its TTL had not passed, but the license itself had expired three days before.
    expect(verifyLicense(read('expired.lic'), { publicKey, licenseKey, now: Date.parse('2022-10-24T14:30:00Z') }).reason).toBe('expired');
  });

  it('tampered.lic fails its signature: tampered, before anything is decrypted', () => {
    expect(verifyLicense(read('tampered.lic'), { publicKey, licenseKey, now })).toMatchObject({ valid: false, reason: 'tampered', format: 'keygen' });
    expect(verifyLicense(read('tampered.lic'), { publicKey, now })).toMatchObject({ valid: false, reason: 'tampered' });
  });

  it('another public key: not valid; no license key: says so; wrong license key: wrong-key', () => {
    expect(verifyLicense(read('valid.lic'), { publicKey: generateEd25519KeyPair().publicKey, licenseKey, now }).reason).toBe('tampered');
    expect(verifyLicense(read('valid.lic'), { publicKey, now })).toMatchObject({ valid: false, reason: 'malformed' });
    expect(verifyLicense(read('valid.lic'), { publicKey, now }).message).toMatch(/license key/);
    expect(verifyLicense(read('valid.lic'), { publicKey, licenseKey: 'TEST-WRONG', now }).reason).toBe('wrong-key');
  });

  it('a Keygen file issued after "now" is a rolled-back clock', () => {
    expect(verifyLicense(read('valid.lic'), { publicKey, licenseKey, now: Date.parse('2022-12-01T00:00:00Z') })).toMatchObject({ reason: 'clock-rolled-back', clock: 'issued-in-future' });
  });

  it('inspect shows the payload, marked unverified, with the license key redacted', () => {
    const r = inspectLicense(read('valid.lic'), { licenseKey });
    expect(r).toMatchObject({ verified: false, format: 'keygen', encrypted: true });
    expect(JSON.stringify(r)).not.toContain(licenseKey);
  });
});
