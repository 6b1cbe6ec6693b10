import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CircleError } from '../errors.js';
import { ArmorDecoder, ArmorEncoder } from './armor.js';
import { malformed } from './base64.js';
import { encodeHeader, findHeaderEnd, maxHeaderBytes, parseHeader, verifyHeaderMac, type Stanza } from './header.js';
import { hkdf } from './primitives.js';
import type { AgeIdentity, AgeRecipient } from './types.js';

/** The STREAM construction of age: 64 KiB plaintext chunks, each sealed with ChaCha20-Poly1305. */
export const chunkSize = 64 * 1024;
const tagSize = 16;
const sealedChunkSize = chunkSize + tagSize;
const payloadNonceSize = 16;

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // 11-byte big-endian counter; 2^53 chunks is far beyond any file, so the top bytes stay zero.
  nonce.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 3);
  nonce.writeUInt32BE(counter >>> 0, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** A FIFO of buffers that hands out exact-size slices without copying when it can. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.length += b.length;
  }
  take(n: number): Buffer {
    const first = this.parts[0];
    if (first && first.length >= n) {
      this.length -= n;
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const part = this.parts[0]!;
      const need = n - filled;
      if (part.length <= need) {
        part.copy(out, filled);
        filled += part.length;
        this.parts.shift();
      } else {
        part.copy(out, filled, 0, need);
        this.parts[0] = part.subarray(need);
        filled += need;
      }
    }
    this.length -= n;
    return out;
  }
  takeAll(): Buffer {
    return this.take(this.length);
  }
}

export interface EncryptOptions {
  armor?: boolean;
}

/** Wraps a fresh file key to every recipient; scrypt must be alone, as the spec requires. */
export async function wrapToRecipients(recipients: AgeRecipient[], fileKey: Buffer): Promise<Stanza[]> {
  if (recipients.length === 0) throw new CircleError('USAGE', 'No recipients given', { hint: 'Pass -r, -R or -p.' });
  if (recipients.length > 1 && recipients.some((r) => r.exclusive)) {
    throw new CircleError('USAGE', 'A passphrase cannot be combined with other recipients');
  }
  const stanzas: Stanza[] = [];
  for (const r of recipients) stanzas.push(...(await r.wrap(fileKey)));
  return stanzas;
}

/**
 * A Transform that turns plaintext into an age file. Memory is bounded by one
 * chunk plus the stream buffers: a chunk is sealed as soon as more input proves
 * it is not the last one.
 */
export async function createEncryptStream(recipients: AgeRecipient[], options: EncryptOptions = {}): Promise<Transform> {
  const fileKey = randomBytes(16);
  const header = encodeHeader(await wrapToRecipients(recipients, fileKey), fileKey);
  const nonce = randomBytes(payloadNonceSize);
  const payloadKey = hkdf(fileKey, nonce, 'payload');
  const armor = options.armor ? new ArmorEncoder() : undefined;
  const queue = new ByteQueue();
  let counter = 0;
  let started = false;

  // Output of one transform call is gathered and pushed once: fewer, larger writes downstream.
  let batch: Buffer[] = [];
  const emit = (_t: Transform, b: Buffer) => {
    batch.push(b);
  };
  const drain = (t: Transform) => {
    if (batch.length === 0) return;
    const joined = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
    batch = [];
    const out = armor ? armor.update(joined) : joined;
    if (out.length > 0) t.push(out);
  };
  const start = (t: Transform) => {
    if (started) return;
    started = true;
    emit(t, Buffer.concat([header, nonce]));
  };
  const seal = (t: Transform, plaintext: Buffer, last: boolean) => {
    const cipher = createCipheriv('chacha20-poly1305', payloadKey, chunkNonce(counter++, last), { authTagLength: tagSize });
    emit(t, cipher.update(plaintext));
    cipher.final();
    emit(t, cipher.getAuthTag());
  };

  return new Transform({
    readableHighWaterMark: 4 * sealedChunkSize,
    transform(data: Buffer, _enc, done: TransformCallback) {
      start(this);
      queue.push(typeof data === 'string' ? Buffer.from(data) : data);
      while (queue.length > chunkSize) seal(this, queue.take(chunkSize), false);
      drain(this);
      done();
    },
    flush(done: TransformCallback) {
      start(this);
      seal(this, queue.takeAll(), true);
      drain(this);
      if (armor) this.push(armor.final());
      done();
    },
  });
}

function truncated(): CircleError {
  return new CircleError('INTEGRITY', 'The age file is truncated or its payload was modified', { hint: 'Nothing trustworthy could be produced; discard any partial output.' });
}

/**
 * A Transform that turns an age file (binary or armored, detected from the
 * first bytes) into plaintext. Each chunk is authenticated before it is passed
 * on; truncation, reordering and trailing data fail at the point they are seen.
 */
export function createDecryptStream(identities: AgeIdentity[]): Transform {
  const queue = new ByteQueue();
  let state: 'detect' | 'header' | 'nonce' | 'payload' = 'detect';
  let armor: ArmorDecoder | undefined;
  let fileKey: Buffer | undefined;
  let payloadKey: Buffer | undefined;
  let counter = 0;
  let sawLast = false;

  const open = (sealed: Buffer, last: boolean): Buffer | undefined => {
    const decipher = createDecipheriv('chacha20-poly1305', payloadKey!, chunkNonce(counter, last), { authTagLength: tagSize });
    decipher.setAuthTag(sealed.subarray(sealed.length - tagSize));
    const pt = decipher.update(sealed.subarray(0, sealed.length - tagSize));
    try {
      decipher.final();
    } catch {
      return undefined;
    }
    return pt;
  };

  const process = async (t: Transform, final: boolean): Promise<void> => {
    if (state === 'detect') {
      if (queue.length === 0) {
        if (final) throw malformed('empty input');
        return;
      }
      const head = queue.takeAll();
      const firstNonSpace = head.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
      if (firstNonSpace < 0 && !final) {
        queue.push(head);
        return;
      }
      state = 'header';
      if (head[firstNonSpace] === 0x2d) {
        armor = new ArmorDecoder();
        queue.push(armor.update(head));
      } else {
        queue.push(head);
      }
    }
    if (state === 'header') {
      const buf = queue.takeAll();
      const end = findHeaderEnd(buf);
      if (end < 0) {
        if (buf.length > maxHeaderBytes) throw malformed('header is too long');
        if (final) throw malformed('header is truncated');
        queue.push(buf);
        return;
      }
      const header = parseHeader(buf.subarray(0, end));
      queue.push(buf.subarray(end));
      for (const identity of identities) {
        fileKey = await identity.unwrap(header.stanzas);
        if (fileKey) break;
      }
      if (!fileKey) {
        throw new CircleError('DECRYPT_FAILED', 'No identity matches any recipient of this file', {
          hint: 'Pass the identity the file was encrypted to with -i, or -p for a passphrase file.',
          details: { stanzaTypes: header.stanzas.map((s) => s.type) },
        });
      }
      if (!verifyHeaderMac(header, fileKey)) throw new CircleError('INTEGRITY', 'The age header MAC does not match: the header was modified');
      state = 'nonce';
    }
    if (state === 'nonce') {
      if (queue.length < payloadNonceSize) {
        if (final) throw truncated();
        return;
      }
      payloadKey = hkdf(fileKey!, queue.take(payloadNonceSize), 'payload');
      state = 'payload';
    }
    const out: Buffer[] = [];
    while (queue.length > sealedChunkSize) {
      const pt = open(queue.take(sealedChunkSize), false);
      if (!pt) throw truncated();
      counter++;
      out.push(pt);
    }
    if (out.length > 0) t.push(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (final) {
      if (sawLast) return;
      const rest = queue.takeAll();
      if (rest.length < tagSize) throw truncated();
      const pt = open(rest, true);
      if (!pt) throw truncated();
      // Only an empty file may end in an empty chunk.
      if (pt.length === 0 && counter > 0) throw malformed('final chunk is empty');
      sawLast = true;
      if (pt.length > 0) t.push(pt);
    }
  };

  return new Transform({
    readableHighWaterMark: 4 * chunkSize,
    transform(data: Buffer, _enc, done: TransformCallback) {
      try {
        queue.push(armor ? armor.update(data) : data);
      } catch (error) {
        done(error as Error);
        return;
      }
      process(this, false).then(() => done(), done);
    },
    flush(done: TransformCallback) {
      try {
        if (armor) queue.push(armor.final());
      } catch (error) {
        done(error as Error);
        return;
      }
      process(this, true).then(() => done(), done);
    },
  });
}
