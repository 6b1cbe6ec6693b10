import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * X25519 key pairs for users and machine tokens: team secrets are encrypted to
 * the public key. Keys travel as raw 32-byte buffers (what age and most X25519
 * code expect); `x25519KeyObjects` turns them into node:crypto KeyObjects for
 * `diffieHellman`.
 */
export interface X25519KeyPair {
  publicKey: Buffer;
  privateKey: Buffer;
}

// RFC 8410 PKCS#8 prefix for a raw X25519 private key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export function generateX25519KeyPair(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'),
    privateKey: Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'),
  };
}

export function x25519PrivateKeyObject(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function x25519PublicFromPrivate(raw: Buffer): Buffer {
  return Buffer.from(createPublicKey(x25519PrivateKeyObject(raw)).export({ format: 'jwk' }).x ?? '', 'base64url');
}

export function x25519KeyObjects(pair: X25519KeyPair): { publicKey: KeyObject; privateKey: KeyObject } {
  return {
    publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: pair.publicKey.toString('base64url') }, format: 'jwk' }),
    privateKey: x25519PrivateKeyObject(pair.privateKey),
  };
}
