import { CircleError } from '../errors.js';

/**
 * Bech32 (BIP 173) as age uses it for `age1…` recipients and
 * `AGE-SECRET-KEY-1…` identities: the checksum constant is 1 (not Bech32m) and,
 * like age, without BIP 173's 90-character limit.
 */
const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= generator[i]!;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (const c of hrp) out.push(c.charCodeAt(0) >>> 5);
  out.push(0);
  for (const c of hrp) out.push(c.charCodeAt(0) & 31);
  return out;
}

function convertBits(data: Iterable<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const value of data) {
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & maxv);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return undefined;
  }
  return out;
}

export function bech32Encode(hrp: string, data: Uint8Array, upper = false): string {
  const lowerHrp = hrp.toLowerCase();
  const words = convertBits(data, 8, 5, true)!;
  const values = [...hrpExpand(lowerHrp), ...words, 0, 0, 0, 0, 0, 0];
  const mod = polymod(values) ^ 1;
  const checksum: number[] = [];
  for (let i = 0; i < 6; i++) checksum.push((mod >>> (5 * (5 - i))) & 31);
  const text = `${lowerHrp}1${[...words, ...checksum].map((w) => charset[w]).join('')}`;
  return upper ? text.toUpperCase() : text;
}

export interface Bech32Decoded {
  hrp: string;
  data: Buffer;
}

export function bech32Decode(text: string): Bech32Decoded {
  const invalid = (why: string) => new CircleError('USAGE', `Invalid Bech32 key: ${why}`, { hint: 'Expected an age1… recipient or an AGE-SECRET-KEY-1… identity.' });
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) throw invalid('mixed case');
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length) throw invalid('separator misplaced');
  const hrp = lower.slice(0, sep);
  for (const c of hrp) {
    const code = c.charCodeAt(0);
    if (code < 33 || code > 126) throw invalid('bad prefix');
  }
  const values: number[] = [];
  for (const c of lower.slice(sep + 1)) {
    const v = charset.indexOf(c);
    if (v < 0) throw invalid(`bad character ${JSON.stringify(c)}`);
    values.push(v);
  }
  if (polymod([...hrpExpand(hrp), ...values]) !== 1) throw invalid('checksum mismatch');
  const data = convertBits(values.slice(0, -6), 5, 8, false);
  if (!data) throw invalid('bad padding');
  return { hrp, data: Buffer.from(data) };
}
