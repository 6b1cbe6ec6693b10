import { describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../../src/core/crypto/ed25519.js';
import { formatVerifierKey, noteKeyId, noteSignedBy, parseSignedNote, parseVerifierKey, signNote } from '../../../src/core/crypto/signed-note.js';
import { hex, loadVectors } from './vectors.js';

const { vectors } = loadVectors<{ vectors: { secretKey: string; publicKey: string }[] }>('rfc8032-ed25519.json');

describe('C2SP signed notes (Ed25519)', () => {
  const seed = hex(vectors[0]!.secretKey);
  const publicKey = hex(vectors[0]!.publicKey);

  it('signs deterministically with the key id SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4], and verifies', () => {
    const note = signNote('hello\nworld\n', 'example.com/key', seed);
    expect(note).toBe(signNote('hello\nworld\n', 'example.com/key', seed, publicKey));
    const [text, sigs] = note.split('\n\n') as [string, string];
    expect(text).toBe('hello\nworld');
    const blob = Buffer.from(sigs.replace(/^\u2014 example\.com\/key /u, '').trim(), 'base64');
    expect(blob.subarray(0, 4).equals(noteKeyId('example.com/key', publicKey))).toBe(true);
    const parsed = parseSignedNote(note);
    expect(parsed.text).toBe('hello\nworld\n');
    expect(noteSignedBy(parsed, parseVerifierKey(formatVerifierKey('example.com/key', publicKey)))).toBe(true);
  });

  it('a changed byte, another key or another name does not verify', () => {
    const note = signNote('hello\n', 'k', seed);
    const vkey = parseVerifierKey(formatVerifierKey('k', publicKey));
    expect(noteSignedBy(parseSignedNote(note.replace('hello', 'hellO')), vkey)).toBe(false);
    const other = generateEd25519KeyPair();
    expect(noteSignedBy(parseSignedNote(note), parseVerifierKey(formatVerifierKey('k', other.publicKey)))).toBe(false);
    expect(noteSignedBy(parseSignedNote(note), parseVerifierKey(formatVerifierKey('k2', publicKey)))).toBe(false);
  });

  it('keeps signatures by unknown keys (cosignatures) and verifies the one it knows', () => {
    const other = generateEd25519KeyPair();
    const first = signNote('t\n', 'a', seed);
    const second = signNote('t\n', 'b', other.seed);
    const both = first + second.slice(second.indexOf('\n\n') + 2);
    const parsed = parseSignedNote(both);
    expect(parsed.signatures.map((s) => s.name)).toEqual(['a', 'b']);
    expect(noteSignedBy(parsed, parseVerifierKey(formatVerifierKey('b', other.publicKey)))).toBe(true);
  });

  it('refuses malformed notes with the caller\'s error, and bad verifier keys as usage errors', () => {
    expect(() => parseSignedNote('no blank line')).toThrow(/Not a valid signed note: no blank line/);
    expect(() => parseSignedNote('t\n\nnot a signature\n')).toThrow(/malformed/);
    expect(() => parseSignedNote('t\n\n\u2014 k AAAA\n')).toThrow(/too short/);
    expect(() => parseSignedNote('t\n\n')).toThrow(/no signature/);
    expect(() => parseSignedNote('x', (why) => new Error(`license: ${why}`))).toThrow(/^license: no blank line/);
    const vkey = formatVerifierKey('k', publicKey);
    expect(() => parseVerifierKey(vkey.replace('+', '+0'))).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parseVerifierKey(`other${vkey.slice(1)}`)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('refuses to sign text that would not parse back', () => {
    expect(() => signNote('no newline', 'k', seed)).toThrow();
    expect(() => signNote('blank\n\nline\n', 'k', seed)).toThrow();
    expect(() => signNote('t\n', 'bad name', seed)).toThrow();
  });
});
