import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeStrictBase64, encodeBase64NoPad, malformed } from './base64.js';
import { hkdf } from './primitives.js';

/** One recipient stanza of an age header: `-> type args…` and a wrapped body. */
export interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

export interface Header {
  stanzas: Stanza[];
  mac: Buffer;
  /** The header bytes the MAC covers: from the version line up to and including `---`. */
  macInput: Buffer;
}

export const versionLine = 'age-encryption.org/v1';
const columns = 64;
/** A header longer than this is refused instead of buffered without end. */
export const maxHeaderBytes = 1 << 20;

function isArgument(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function encodeStanza(stanza: Stanza): string {
  for (const arg of [stanza.type, ...stanza.args]) {
    if (!isArgument(arg)) throw new Error(`invalid stanza argument ${JSON.stringify(arg)}`);
  }
  const encoded = encodeBase64NoPad(stanza.body);
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += columns) lines.push(encoded.slice(i, i + columns));
  // The body always ends with a short line, empty when the last full line was 64 columns.
  if (encoded.length % columns === 0) lines.push('');
  return `-> ${[stanza.type, ...stanza.args].join(' ')}\n${lines.join('\n')}\n`;
}

export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  return createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(macInput).digest();
}

export function encodeHeader(stanzas: Stanza[], fileKey: Uint8Array): Buffer {
  const macInput = Buffer.from(`${versionLine}\n${stanzas.map(encodeStanza).join('')}---`, 'latin1');
  return Buffer.concat([macInput, Buffer.from(` ${encodeBase64NoPad(headerMac(fileKey, macInput))}\n`, 'latin1')]);
}

export function verifyHeaderMac(header: Header, fileKey: Uint8Array): boolean {
  return timingSafeEqual(headerMac(fileKey, header.macInput), header.mac);
}

/**
 * Finds the end of the header in `buffer`: the index just after the MAC line's
 * newline, or -1 when more bytes are needed. Works on bytes so the binary payload
 * after the header is never decoded as text.
 */
export function findHeaderEnd(buffer: Buffer): number {
  let lineStart = 0;
  for (;;) {
    const nl = buffer.indexOf(0x0a, lineStart);
    if (nl < 0) return -1;
    if (buffer[lineStart] === 0x2d && buffer[lineStart + 1] === 0x2d && buffer[lineStart + 2] === 0x2d) return nl + 1;
    lineStart = nl + 1;
  }
}

/** Parses a complete header (as delimited by findHeaderEnd), enforcing every rule of the age spec. */
export function parseHeader(bytes: Buffer): Header {
  // Header text is ASCII only; any other byte is a malformation.
  for (const b of bytes) if (b !== 0x0a && (b < 0x20 || b > 0x7e)) throw malformed('header contains a non-printable byte');
  const text = bytes.toString('latin1');
  if (!text.endsWith('\n')) throw malformed('header does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== versionLine) throw malformed(`unknown version line ${JSON.stringify(lines[0]?.slice(0, 40))}`);
  const stanzas: Stanza[] = [];
  let i = 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined) throw malformed('header ends without a MAC line');
    if (line.startsWith('---')) break;
    if (!line.startsWith('-> ')) throw malformed('expected a stanza line');
    const parts = line.slice(3).split(' ');
    if (!parts.every(isArgument)) throw malformed('stanza has an empty or invalid argument');
    const [type, ...args] = parts as [string, ...string[]];
    i++;
    const bodyLines: string[] = [];
    for (;;) {
      const bodyLine = lines[i];
      if (bodyLine === undefined) throw malformed('stanza body is not terminated');
      i++;
      if (bodyLine.length > columns) throw malformed('stanza body line is longer than 64 columns');
      bodyLines.push(bodyLine);
      if (bodyLine.length < columns) break;
    }
    stanzas.push({ type, args, body: decodeStrictBase64(bodyLines.join(''), 'stanza body') });
  }
  if (stanzas.length === 0) throw malformed('header has no recipient stanza');
  const macLine = lines[i]!;
  if (i !== lines.length - 1) throw malformed('data after the MAC line');
  if (!macLine.startsWith('--- ')) throw malformed('malformed MAC line');
  const mac = decodeStrictBase64(macLine.slice(4), 'header MAC');
  if (mac.length !== 32) throw malformed('header MAC has the wrong length');
  const macInputLength = bytes.length - (macLine.length - 3) - 1;
  return { stanzas, mac, macInput: bytes.subarray(0, macInputLength) };
}
