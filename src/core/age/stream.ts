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
export const sealedChunkSize = chunkSize + tagSize;
const payloadNonceSize = 16;

/** Writes the STREAM nonce into `nonce` (reused: createCipheriv copies the IV). */
function chunkNonce(nonce: Buffer, counter: number, last: boolean): Buffer {
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
 * Splits a byte stream into fixed-size pieces and hands each to `process`,
 * telling it whether the piece is the last one. A full piece is released only
 * once more input proves it is not the last. Whole pieces are processed in
 * place (subarrays of the input, no copy); only a tail shorter than a piece is
 * copied into one reused buffer, so no reference to an input buffer is kept
 * across calls and memory stays at one piece whatever the input chunking.
 * `process` must not keep the buffer it is given (node:crypto copies it).
 */
class Chunker {
  private readonly pending: Buffer;
  private pendingLength = 0;
  constructor(
    private readonly size: number,
    private readonly process: (piece: Buffer, last: boolean) => void,
  ) {
    this.pending = Buffer.alloc(size);
  }
  update(data: Buffer): void {
    if (data.length === 0) return;
    let offset = 0;
    if (this.pendingLength > 0) {
      const n = Math.min(this.size - this.pendingLength, data.length);
      data.copy(this.pending, this.pendingLength, 0, n);
      this.pendingLength += n;
      offset = n;
      // A full pending piece waits until more input shows it is not the last.
      if (offset === data.length) return;
      this.process(this.pending, false);
      this.pendingLength = 0;
    }
    while (data.length - offset > this.size) {
      this.process(data.subarray(offset, offset + this.size), false);
      offset += this.size;
    }
    data.copy(this.pending, 0, offset);
    this.pendingLength = data.length - offset;
  }
  final(): void {
    const rest = this.pending.subarray(0, this.pendingLength);
    this.pendingLength = 0;
    this.process(rest, true);
  }
  /** Overwrites the buffered bytes (plaintext on the encrypt side). */
  wipe(): void {
    this.pending.fill(0);
    this.pendingLength = 0;
  }
}

/**
 * The incremental core of a stream direction. `update` processes `data` and is
 * done with it when it returns (or its promise settles): it never keeps a
 * reference to `data`, so a caller may reuse that buffer for the next read.
 * Every buffer passed to `emit` is freshly allocated and never touched again,
 * so it may be written asynchronously.
 */
export interface AgeStreamProcessor {
  update(data: Buffer, emit: (piece: Buffer) => void): void | Promise<void>;
  final(emit: (piece: Buffer) => void): void | Promise<void>;
  /** Wipes buffered bytes; call on failure or after `final`. */
  dispose(): void;
  /**
   * Offered to a caller that can read its input at any position (a regular
   * file): deals with what precedes the payload (reading the header through
   * `read` when decrypting) and hands the payload over, after which the
   * processor is not used again. Undefined when the payload cannot be handed
   * over (armor, or input already fed); the processor was then left untouched.
   */
  handOff?(read: PositionalRead): Promise<PayloadHandOff | undefined>;
}

/** Up to `length` bytes of the input at `position`; fewer only at its end. */
export type PositionalRead = (position: number, length: number) => Promise<Buffer>;

/**
 * The payload of an age file, handed to an engine that processes its chunks
 * out of order (in parallel): STREAM chunks are independent, since each one's
 * nonce is just its counter and a last-chunk flag.
 */
export interface PayloadHandOff {
  direction: 'seal' | 'open';
  /** The STREAM key; the processor's `dispose` wipes it. */
  payloadKey: Buffer;
  /** Output that precedes the payload: the header and payload nonce when sealing, else empty. */
  prefix: Buffer;
  /** Input bytes that precede the payload: the header and payload nonce when opening, else 0. */
  inputOffset: number;
}

/** Wraps a processor as a Transform (what `createEncryptStream` / `createDecryptStream` return). */
export function processorTransform(processor: AgeStreamProcessor, readableHighWaterMark: number): Transform {
  const settle = (work: () => void | Promise<void>, done: TransformCallback) => {
    let result: void | Promise<void>;
    try {
      result = work();
    } catch (error) {
      done(error as Error);
      return;
    }
    if (result) result.then(() => done(), done);
    else done();
  };
  return new Transform({
    readableHighWaterMark,
    writableHighWaterMark: 4 * sealedChunkSize,
    transform(data: Buffer | string, _enc, done: TransformCallback) {
      settle(() => processor.update(typeof data === 'string' ? Buffer.from(data) : data, (b) => this.push(b)), done);
    },
    flush(done: TransformCallback) {
      settle(() => processor.final((b) => this.push(b)), done);
    },
    destroy(error, done) {
      processor.dispose();
      done(error);
    },
  });
}

/**
 * The encrypting processor. Memory is bounded by one chunk: a chunk is sealed
 * as soon as more input proves it is not the last one. Full chunks are sealed
 * in place from the input and each sealed chunk is emitted as is (no copy).
 */
export async function createEncryptor(recipients: AgeRecipient[], options: EncryptOptions = {}): Promise<AgeStreamProcessor> {
  const fileKey = randomBytes(16);
  const header = encodeHeader(await wrapToRecipients(recipients, fileKey), fileKey);
  const nonce = randomBytes(payloadNonceSize);
  const payloadKey = hkdf(fileKey, nonce, 'payload');
  const armor = options.armor ? new ArmorEncoder() : undefined;
  const iv = Buffer.alloc(12);
  let counter = 0;
  let started = false;
  let out: Buffer[] = [];
  const chunker = new Chunker(chunkSize, (plaintext, last) => {
    const cipher = createCipheriv('chacha20-poly1305', payloadKey, chunkNonce(iv, counter++, last), { authTagLength: tagSize });
    const ct = cipher.update(plaintext);
    cipher.final();
    if (ct.length > 0) out.push(ct);
    out.push(cipher.getAuthTag());
  });
  const run = (emit: (b: Buffer) => void, work: () => void) => {
    if (!started) {
      started = true;
      out.push(Buffer.concat([header, nonce]));
    }
    work();
    const pieces = out;
    out = [];
    if (!armor) {
      for (const b of pieces) emit(b);
      return;
    }
    // Armor works on one batch per call: fewer, larger base64 conversions.
    if (pieces.length === 0) return;
    const text = armor.update(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
    if (text.length > 0) emit(text);
  };
  return {
    update(data, emit) {
      run(emit, () => chunker.update(data));
    },
    final(emit) {
      run(emit, () => chunker.final());
      chunker.wipe();
      if (armor) emit(armor.final());
    },
    dispose() {
      chunker.wipe();
      payloadKey.fill(0);
    },
    async handOff() {
      // Armor is a text encoding of the whole stream: it stays sequential.
      if (armor || started) return undefined;
      started = true;
      return { direction: 'seal', payloadKey, prefix: Buffer.concat([header, nonce]), inputOffset: 0 };
    },
  };
}

/** A Transform that turns plaintext into an age file (see `createEncryptor`). */
export async function createEncryptStream(recipients: AgeRecipient[], options: EncryptOptions = {}): Promise<Transform> {
  return processorTransform(await createEncryptor(recipients, options), 4 * sealedChunkSize);
}

/** Bytes read at a time while looking for the end of the header (age headers are usually < 1 KiB). */
const headerReadSize = 64 * 1024;

export function truncated(): CircleError {
  return new CircleError('INTEGRITY', 'The age file is truncated or its payload was modified', { hint: 'Nothing trustworthy could be produced; discard any partial output.' });
}

/**
 * The decrypting processor: age file (binary or armored, detected from the
 * first bytes) to plaintext. Each chunk is authenticated before any of its
 * plaintext is emitted; truncation, reordering and trailing data fail at the
 * point they are seen. The payload is opened in place from the input (see
 * Chunker) and each authenticated chunk is emitted as is.
 */
export function createDecryptor(identities: AgeIdentity[]): AgeStreamProcessor {
  // Header and payload nonce only: small, and read before any payload.
  const queue = new ByteQueue();
  let state: 'detect' | 'header' | 'nonce' | 'payload' = 'detect';
  let armor: ArmorDecoder | undefined;
  let fileKey: Buffer | undefined;
  let payloadKey: Buffer | undefined;
  const iv = Buffer.alloc(12);
  let counter = 0;
  let emit: (piece: Buffer) => void = () => undefined;

  const chunker = new Chunker(sealedChunkSize, (sealed, last) => {
    if (sealed.length < tagSize) throw truncated();
    const decipher = createDecipheriv('chacha20-poly1305', payloadKey!, chunkNonce(iv, counter, last), { authTagLength: tagSize });
    decipher.setAuthTag(sealed.subarray(sealed.length - tagSize));
    const pt = decipher.update(sealed.subarray(0, sealed.length - tagSize));
    try {
      decipher.final();
    } catch {
      pt.fill(0);
      throw truncated();
    }
    // Only an empty file may end in an empty chunk.
    if (last && pt.length === 0 && counter > 0) throw malformed('final chunk is empty');
    counter++;
    // Authenticated: only now is the plaintext of this chunk released.
    if (pt.length > 0) emit(pt);
  });

  /** Header and payload nonce; returns once the payload starts (or more input is needed). */
  const readHeader = async (final: boolean): Promise<void> => {
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
      // Whatever followed the nonce in the same reads stays queued: it is payload.
      state = 'payload';
    }
  };

  const updateHeader = async (data: Buffer): Promise<void> => {
    // Copied: the header may wait for more input, and `data` is the caller's to reuse.
    queue.push(armor ? armor.update(data) : Buffer.from(data));
    await readHeader(false);
    if (state === 'payload') chunker.update(queue.takeAll());
  };

  return {
    update(data, to) {
      emit = to;
      // The hot path: synchronous, no promise per input buffer.
      if (state === 'payload') chunker.update(armor ? armor.update(data) : data);
      else return updateHeader(data);
    },
    async final(to) {
      emit = to;
      if (armor) queue.push(armor.final());
      if (state !== 'payload') {
        await readHeader(true);
        if ((state as string) !== 'payload') throw truncated();
      }
      if (queue.length > 0) chunker.update(queue.takeAll());
      chunker.final();
    },
    dispose() {
      chunker.wipe();
      payloadKey?.fill(0);
    },
    async handOff(read) {
      if (state !== 'detect' || queue.length > 0) return undefined;
      // Armor (`-----BEGIN`) decodes as a stream; leading blank lines are left to the sequential path's detection.
      const head = await read(0, headerReadSize);
      if (head.length === 0 || head[0] === 0x2d || [0x20, 0x09, 0x0a, 0x0d].includes(head[0]!)) return undefined;
      // The same header code as `update` and `final`, so a bad header fails with the same error.
      queue.push(head);
      let position = head.length;
      await readHeader(false);
      while ((state as string) !== 'payload') {
        const more = await read(position, headerReadSize);
        position += more.length;
        queue.push(more);
        await readHeader(more.length === 0);
        if (more.length === 0 && (state as string) !== 'payload') throw truncated();
      }
      // The payload bytes read with the header are dropped: the engine reads the payload from its start.
      const inputOffset = position - queue.length;
      queue.takeAll();
      return { direction: 'open', payloadKey: payloadKey!, prefix: Buffer.alloc(0), inputOffset };
    },
  };
}

/** A Transform that turns an age file into plaintext (see `createDecryptor`). */
export function createDecryptStream(identities: AgeIdentity[]): Transform {
  return processorTransform(createDecryptor(identities), 4 * chunkSize);
}
