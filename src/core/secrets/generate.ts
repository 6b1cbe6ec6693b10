import { randomInt } from 'node:crypto';

export type GenerateAlphabet = 'alphanumeric' | 'hex' | 'base64url' | 'printable';

const alphabets: Record<GenerateAlphabet, string> = {
  alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  // Printable ASCII without space, quotes and backslash, so the value survives shells and dotenv untouched.
  printable: Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
    .filter((c) => !`"'\`\\`.includes(c))
    .join(''),
};

/** A uniformly random value: crypto.randomInt is unbiased (rejection sampling inside). */
export function generateSecretValue(length: number, alphabet: GenerateAlphabet = 'alphanumeric'): string {
  const chars = alphabets[alphabet];
  let out = '';
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}
