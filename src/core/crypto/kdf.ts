import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CircleError } from '../errors.js';

/**
 * Key derivation. Argon2id for anything a human chose (passwords); HKDF-SHA-256
 * for high-entropy inputs (tokens, session secrets, the root key's sub-keys).
 */

export const argon2ParamsSchema = z.object({
  alg: z.literal('argon2id'),
  /** Argon2 version 0x13. */
  version: z.literal(19),
  memoryKiB: z.number().int().min(8).max(4 * 1024 * 1024),
  timeCost: z.number().int().min(1).max(100),
  parallelism: z.number().int().min(1).max(64),
});
export type Argon2Params = z.infer<typeof argon2ParamsSchema>;

/** RFC 9106 §4 second recommendation / OWASP: m = 64 MiB, t = 3, p = 1 (about 260 ms on the reference machine). */
export const DEFAULT_ARGON2_PARAMS: Argon2Params = { alg: 'argon2id', version: 19, memoryKiB: 64 * 1024, timeCost: 3, parallelism: 1 };

const envInt = z.coerce.number().int().positive();

/**
 * The parameters new hashes get. `CIRCLE_ARGON2_MEMORY_KIB` / `CIRCLE_ARGON2_TIME_COST`
 * exist so test suites can run hundreds of logins; they can only lower cost for
 * this process and hashes record what they used, so the next login with the
 * defaults upgrades them.
 */
export function currentArgon2Params(env: NodeJS.ProcessEnv = process.env): Argon2Params {
  const params = { ...DEFAULT_ARGON2_PARAMS };
  const m = envInt.safeParse(env.CIRCLE_ARGON2_MEMORY_KIB);
  if (env.CIRCLE_ARGON2_MEMORY_KIB !== undefined && m.success) params.memoryKiB = Math.max(8, m.data);
  const t = envInt.safeParse(env.CIRCLE_ARGON2_TIME_COST);
  if (env.CIRCLE_ARGON2_TIME_COST !== undefined && t.success) params.timeCost = t.data;
  return params;
}

/** True when `stored` is weaker than `wanted` on any axis: the hash is re-derived on the next login. */
export function argon2NeedsUpgrade(stored: Argon2Params, wanted: Argon2Params): boolean {
  return stored.memoryKiB < wanted.memoryKiB || stored.timeCost < wanted.timeCost;
}

type Argon2Module = typeof import('argon2');
let argon2Module: Promise<Argon2Module> | undefined;

/** The native argon2 binding, loaded on first use: it is heavy and most commands never need it. */
export function loadArgon2(): Promise<Argon2Module> {
  argon2Module ??= import('argon2').catch((error: unknown) => {
    argon2Module = undefined;
    throw new CircleError('INTERNAL', 'The argon2 native module failed to load', {
      hint: 'Reinstall circle-core (npm rebuild argon2); a prebuilt binary may be missing for this platform.',
      cause: error,
    });
  });
  return argon2Module;
}

export interface Argon2Extras {
  secret?: Buffer;
  associatedData?: Buffer;
}

/** Raw Argon2id output (32 bytes unless told otherwise). */
export async function argon2idRaw(password: Buffer | string, salt: Buffer, params: Argon2Params, extras: Argon2Extras = {}, hashLength = 32): Promise<Buffer> {
  const argon2 = await loadArgon2();
  return argon2.hash(password, {
    type: argon2.argon2id,
    version: params.version,
    memoryCost: params.memoryKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
    hashLength,
    salt,
    ...(extras.secret ? { secret: extras.secret } : {}),
    ...(extras.associatedData ? { associatedData: extras.associatedData } : {}),
    raw: true,
  });
}

/** Verifies a PHC string (`$argon2id$v=19$…`) with the native module. */
export async function argon2Verify(phc: string, password: Buffer | string): Promise<boolean> {
  const argon2 = await loadArgon2();
  return argon2.verify(phc, password);
}

/** HKDF-SHA-256 (RFC 5869); string salts and infos are UTF-8. Also age's key derivation. */
export function hkdf(ikm: Uint8Array, salt: Uint8Array | string, info: Uint8Array | string, length = 32): Buffer {
  const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  return Buffer.from(hkdfSync('sha256', ikm, bytes(salt), bytes(info), length));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function sha256(data: Buffer | string): Buffer {
  return createHash('sha256').update(data).digest();
}

export function randomSalt(bytes = 16): Buffer {
  return randomBytes(bytes);
}

/** Constant-time equality for secrets and MACs of possibly different length. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
