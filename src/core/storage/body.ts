import { Readable } from 'node:stream';
import type { ObjectBody } from './types.js';

/** The body's bytes as chunks, whatever shape the caller handed in. */
export async function* chunksOf(body: ObjectBody): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (chunk instanceof Uint8Array) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else throw new TypeError('An object body must yield bytes');
  }
}

/** The body as a Node stream (what the SDKs take). */
export function readableOf(body: ObjectBody): Readable {
  if (body instanceof Readable) return body;
  return Readable.from(chunksOf(body), { objectMode: false });
}

/** Drains a stream into one buffer: for small objects and tests only. */
export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts);
}
