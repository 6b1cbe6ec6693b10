import { malformed } from './base64.js';

const begin = '-----BEGIN AGE ENCRYPTED FILE-----';
const end = '-----END AGE ENCRYPTED FILE-----';
const columns = 64;
const bytesPerLine = 48;
/** Any armored line longer than this is not age armor; refusing it bounds memory. */
const maxLineLength = 1024;

/** Incremental PEM-style armor (age spec: "AGE ENCRYPTED FILE", 64 columns, padded base64). */
export class ArmorEncoder {
  private started = false;
  private rest = Buffer.alloc(0);
  update(data: Buffer): Buffer {
    const all = this.rest.length > 0 ? Buffer.concat([this.rest, data]) : data;
    const whole = all.length - (all.length % bytesPerLine);
    this.rest = Buffer.from(all.subarray(whole));
    let text = this.started ? '' : `${begin}\n`;
    this.started = true;
    for (let i = 0; i < whole; i += bytesPerLine) text += `${all.subarray(i, i + bytesPerLine).toString('base64')}\n`;
    return Buffer.from(text, 'latin1');
  }
  final(): Buffer {
    let text = this.started ? '' : `${begin}\n`;
    if (this.rest.length > 0) text += `${this.rest.toString('base64')}\n`;
    return Buffer.from(`${text}${end}\n`, 'latin1');
  }
}

/**
 * Strict incremental de-armoring: whitespace may surround the armor, lines end
 * in LF or CRLF, every base64 line is 64 columns except a shorter last one, and
 * the base64 must be canonical.
 */
export class ArmorDecoder {
  private state: 'begin' | 'body' | 'done' = 'begin';
  private partial = '';
  private lastWasShort = false;
  update(data: Buffer): Buffer {
    const text = this.partial + data.toString('latin1');
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    if (this.partial.length > maxLineLength) throw malformed('armor line too long');
    const out: Buffer[] = [];
    for (const raw of lines) out.push(this.line(raw.endsWith('\r') ? raw.slice(0, -1) : raw));
    return Buffer.concat(out);
  }
  final(): Buffer {
    const out = this.partial.length > 0 ? this.line(this.partial) : Buffer.alloc(0);
    this.partial = '';
    if (this.state !== 'done') throw malformed('armor is missing its END line');
    return out;
  }
  private line(line: string): Buffer {
    switch (this.state) {
      case 'begin':
        if (line.trim() === '') return Buffer.alloc(0);
        if (line.trimStart() !== begin) throw malformed('armor does not start with the BEGIN line');
        this.state = 'body';
        return Buffer.alloc(0);
      case 'body': {
        if (line === end) {
          this.state = 'done';
          return Buffer.alloc(0);
        }
        if (this.lastWasShort) throw malformed('armor line after a short line');
        if (line.length === 0 || line.length > columns || line.length % 4 !== 0) throw malformed('armor line has a bad length');
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(line)) throw malformed('armor line is not base64');
        const bytes = Buffer.from(line, 'base64');
        if (bytes.toString('base64') !== line) throw malformed('armor base64 is not canonical');
        this.lastWasShort = line.length < columns;
        if (line.includes('=') && !this.lastWasShort) this.lastWasShort = true;
        return bytes;
      }
      case 'done':
        if (line.trim() !== '') throw malformed('data after the armor END line');
        return Buffer.alloc(0);
    }
  }
}
