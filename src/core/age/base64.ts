import { CircleError } from '../errors.js';

const unpaddedAlphabet = /^[A-Za-z0-9+/]*$/;

/**
 * Canonical unpadded base64 as the age header requires: Node's decoder is lax
 * (it skips junk, accepts padding and ignores non-zero trailing bits), so the
 * result is re-encoded and compared to reject every non-canonical spelling.
 */
export function decodeStrictBase64(text: string, what = 'base64 value'): Buffer {
  if (!unpaddedAlphabet.test(text) || text.length % 4 === 1) {
    throw malformed(`${what} is not canonical unpadded base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (encodeBase64NoPad(bytes) !== text) throw malformed(`${what} is not canonical unpadded base64`);
  return bytes;
}

export function encodeBase64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

export function malformed(message: string): CircleError {
  return new CircleError('INTEGRITY', `Malformed age file: ${message}`, {
    hint: 'The file is damaged, truncated or not an age file; nothing was written.',
  });
}
