import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatVerifierKey, noteKeyId, noteSignedBy, parseCheckpointNote, parseVerifierKey, signCheckpoint } from '../../../src/core/audit/note.js';
import { generateAuditKeys } from '../../../src/core/audit/keys.js';
import { consistencyProof, leafHash, subtreeRoot, verifyConsistency } from '../../../src/core/audit/merkle.js';

// RFC 8032 §7.1 test 1 key, so the key id and signature below are fixed known answers.
const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
const signingKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: pub.toString('base64url') }, format: 'jwk' });

describe('signed-note checkpoints', () => {
  it('computes the key id as SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]', async () => {
    const { createHash, createPublicKey } = await import('node:crypto');
    const want = createHash('sha256').update('example.com/log\n').update(Buffer.from([1])).update(pub).digest().subarray(0, 4);
    expect(noteKeyId('example.com/log', createPublicKey(signingKey))).toEqual(want);
  });

  it('signs, parses and verifies a checkpoint; a changed byte breaks it', () => {
    const root = subtreeRoot([leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))]);
    const note = signCheckpoint({ origin: 'example.com/log', size: 2, root, time: '2026-11-22T00:00:00Z' }, 'example.com/log', signingKey);
    const lines = note.split('\n');
    expect(lines.slice(0, 5)).toEqual(['example.com/log', '2', root.toString('base64'), 'time 2026-11-22T00:00:00Z', '']);
    expect(lines[5]).toMatch(/^\u2014 example\.com\/log [A-Za-z0-9+/]{91}=$/);
    const vkey = parseVerifierKey(formatVerifierKey('example.com/log', signingKey));
    const parsed = parseCheckpointNote(note);
    expect(parsed.checkpoint).toMatchObject({ origin: 'example.com/log', size: 2, time: '2026-11-22T00:00:00Z' });
    expect(noteSignedBy(parsed, vkey)).toBe(true);
    expect(noteSignedBy(parseCheckpointNote(note.replace('\n2\n', '\n3\n')), vkey)).toBe(false);
    // Fresh keys from generateAuditKeys, not generateKeyPairSync: exporting those can hang Node 20 (see audit/keys.ts).
    const other = generateAuditKeys().verifyKey;
    expect(noteSignedBy(parsed, parseVerifierKey(formatVerifierKey('example.com/log', other)))).toBe(false);
  });

  it('round-trips verifier keys whose base64 contains "+"', () => {
    for (let i = 0; i < 40; i++) {
      const vkey = formatVerifierKey('circle/x', generateAuditKeys().verifyKey);
      expect(parseVerifierKey(vkey).name).toBe('circle/x');
    }
  });

  it('rejects malformed notes', () => {
    expect(() => parseCheckpointNote('a\n1\nAAAA\n\n\u2014 a AAAAAAAA\n')).toThrow(/root hash/);
    expect(() => parseCheckpointNote('a\n01\nAAAA\n\n')).toThrow();
    expect(() => parseCheckpointNote('no blank line')).toThrow(/blank line/);
  });

  it('a checkpoint pair is checkable with the RFC 9162 consistency verifier', () => {
    const leaves = Array.from({ length: 11 }, (_, i) => leafHash(Buffer.from(String(i))));
    expect(verifyConsistency(6, 11, consistencyProof(leaves, 6), subtreeRoot(leaves, 0, 6), subtreeRoot(leaves))).toBe(true);
  });
});
