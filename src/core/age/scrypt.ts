import { randomBytes, scrypt } from 'node:crypto';
import { CircleError } from '../errors.js';
import { decodeStrictBase64, encodeBase64NoPad, malformed } from './base64.js';
import type { Stanza } from './header.js';
import { unwrapFileKey, wrapFileKey } from './primitives.js';
import type { AgeIdentity, AgeRecipient } from './types.js';

const saltLabel = 'age-encryption.org/v1/scrypt';
/** age's defaults: encrypt with log2(N) = 18, accept up to 22 when decrypting. */
export const defaultScryptWorkFactor = 18;
export const maxScryptWorkFactor = 22;

function deriveKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(passphrase, 'utf8'), Buffer.concat([Buffer.from(saltLabel), salt]), 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 + (1 << 20) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export class ScryptRecipient implements AgeRecipient {
  readonly exclusive = true;
  constructor(
    private readonly passphrase: string,
    private readonly workFactor = defaultScryptWorkFactor,
  ) {
    if (passphrase.length === 0) throw new CircleError('USAGE', 'The passphrase is empty');
  }
  async wrap(fileKey: Buffer): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const key = await deriveKey(this.passphrase, salt, this.workFactor);
    return [{ type: 'scrypt', args: [encodeBase64NoPad(salt), String(this.workFactor)], body: wrapFileKey(key, fileKey) }];
  }
}

export class ScryptIdentity implements AgeIdentity {
  constructor(
    private readonly passphrase: string,
    private readonly maxWorkFactor = maxScryptWorkFactor,
  ) {}
  async unwrap(stanzas: Stanza[]): Promise<Buffer | undefined> {
    const stanza = stanzas.find((s) => s.type === 'scrypt');
    if (!stanza) return undefined;
    // A passphrase file is for one reader: a scrypt stanza beside others is a malformation the spec names.
    if (stanzas.length !== 1) throw malformed('a scrypt stanza must be the only stanza');
    if (stanza.args.length !== 2) throw malformed('scrypt stanza must have two arguments');
    const salt = decodeStrictBase64(stanza.args[0]!, 'scrypt salt');
    if (salt.length !== 16) throw malformed('scrypt salt must be 16 bytes');
    if (!/^[1-9][0-9]?$/.test(stanza.args[1]!)) throw malformed('scrypt work factor is not a canonical decimal');
    const logN = Number(stanza.args[1]);
    if (logN > this.maxWorkFactor) {
      throw new CircleError('INTEGRITY', `The scrypt work factor ${logN} is above the accepted maximum ${this.maxWorkFactor}`, {
        hint: 'Refused to avoid exhausting memory and time; the file may be hostile.',
      });
    }
    if (stanza.body.length !== 32) throw malformed('scrypt stanza body must be 32 bytes');
    const fileKey = unwrapFileKey(await deriveKey(this.passphrase, salt, logN), stanza.body);
    if (!fileKey) throw new CircleError('DECRYPT_FAILED', 'Incorrect passphrase', { hint: 'Nothing was written.' });
    return fileKey;
  }
}
