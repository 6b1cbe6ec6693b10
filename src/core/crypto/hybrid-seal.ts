import type { KeyObject } from 'node:crypto';
import { CircleError } from '../errors.js';
import { aes256GcmOpen, aes256GcmSeal, type GcmSealed } from './aead.js';
import { hkdf } from './kdf.js';
import { generateX25519Ephemeral, rawX25519PublicKey, x25519 } from './x25519.js';

/**
 * Encryption to an X25519 public key, so that a writer needs no secret: an
 * ephemeral-static X25519 key agreement, then HKDF-SHA-256 over the shared
 * secret with salt = ephemeral public key ‖ recipient public key and a caller
 * label as info. That key-agreement half is age's X25519 stanza construction
 * (age-encryption.org/v1, which wraps a file key under it with ChaCha20-Poly1305);
 * the full seal adds AES-256-GCM (audit entry details). Project secret files use
 * the age construction under their own label.
 *
 * Every message gets a fresh ephemeral key, so two seals to the same recipient
 * are unlinkable and separately keyed.
 */

export interface SenderAgreement {
  /** The ephemeral public key (age calls it the share): sent with the message. */
  epk: Buffer;
  /** The derived key; use it for one message. */
  key: Buffer;
}

export interface AgreementOptions {
  /** Derived key length (32 unless told otherwise). */
  keyLength?: number;
  /**
   * A scalar the shared secret is multiplied by once more: age's ssh-ed25519
   * recipients tweak it with a hash of the SSH key (age spec, "ssh-ed25519").
   */
  tweak?: Uint8Array;
}

function lowOrder(): CircleError {
  return new CircleError('USAGE', 'The recipient public key is a low-order point');
}

function tweaked(shared: Buffer | undefined, tweak: Uint8Array | undefined): Buffer | undefined {
  return shared && tweak ? x25519(tweak, shared) : shared;
}

/**
 * The sender's half: a fresh ephemeral key agreed with `recipient` (raw, or a
 * KeyObject with `recipientRaw` beside it so it is not re-derived per message).
 * Throws USAGE when the recipient is a low-order point.
 */
export function agreeWithRecipient(recipient: Uint8Array | KeyObject, info: Uint8Array | string, options: AgreementOptions & { recipientRaw?: Uint8Array } = {}): SenderAgreement {
  const recipientRaw = recipient instanceof Uint8Array ? recipient : (options.recipientRaw ?? rawX25519PublicKey(recipient));
  const ephemeral = generateX25519Ephemeral();
  const shared = tweaked(x25519(ephemeral.privateKey, recipient), options.tweak);
  if (!shared) throw lowOrder();
  return { epk: ephemeral.publicKey, key: hkdf(shared, Buffer.concat([ephemeral.publicKey, recipientRaw]), info, options.keyLength) };
}

/**
 * The recipient's half: the same key from our private key (raw scalar or KeyObject),
 * our raw public key and the sender's `epk`; undefined when `epk` is a low-order point.
 */
export function agreeAsRecipient(
  privateKey: Uint8Array | KeyObject,
  ourPublic: Uint8Array,
  epk: Uint8Array,
  info: Uint8Array | string,
  options: AgreementOptions = {},
): Buffer | undefined {
  const shared = tweaked(x25519(privateKey, epk), options.tweak);
  if (!shared) return undefined;
  return hkdf(shared, Buffer.concat([epk, ourPublic]), info, options.keyLength);
}

/** A hybrid-sealed message: the ephemeral public key and an AES-256-GCM message under the agreed key. */
export interface HybridSealed extends GcmSealed {
  epk: Buffer;
}

/** A key agreement done ahead of time (it is the slow half), sealing exactly one message. */
export interface PreparedHybridSeal {
  seal(plaintext: Uint8Array, aad: Uint8Array): HybridSealed;
}

export function prepareHybridSeal(recipient: Uint8Array | KeyObject, info: Uint8Array | string, recipientRaw?: Uint8Array): PreparedHybridSeal {
  const { epk, key } = agreeWithRecipient(recipient, info, recipientRaw ? { recipientRaw } : {});
  let used = false;
  return {
    seal(plaintext, aad) {
      if (used) throw new CircleError('INTERNAL', 'A prepared seal is single-use');
      used = true;
      return { epk, ...aes256GcmSeal(key, plaintext, aad) };
    },
  };
}

export function hybridSeal(recipient: Uint8Array | KeyObject, plaintext: Uint8Array, aad: Uint8Array, info: Uint8Array | string): HybridSealed {
  return prepareHybridSeal(recipient, info).seal(plaintext, aad);
}

/** The plaintext, or undefined for a wrong key, a tampered part or a low-order `epk`. */
export function hybridOpen(privateKey: Uint8Array | KeyObject, ourPublic: Uint8Array, sealed: HybridSealed, aad: Uint8Array, info: Uint8Array | string): Buffer | undefined {
  if (sealed.epk.length !== 32) return undefined;
  const key = agreeAsRecipient(privateKey, ourPublic, sealed.epk, info);
  return key && aes256GcmOpen(key, sealed, aad);
}
