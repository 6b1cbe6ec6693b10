import { z } from 'zod';

/** `secrets.*`: how `secrets rotate --generate` makes values. */
export const secretsSection = {
  'secrets.generate.length': z.number().int().min(8).max(4096).default(32).describe('Length of values made by `secrets rotate --generate`.'),
  'secrets.generate.alphabet': z
    .enum(['alphanumeric', 'hex', 'base64url', 'printable'])
    .default('alphanumeric')
    .describe('Characters used by `secrets rotate --generate`.'),
};

type SecretsValues = { [K in keyof typeof secretsSection]: z.output<(typeof secretsSection)[K]> };

export interface SecretsPolicy {
  generate: { length: number; alphabet: SecretsValues['secrets.generate.alphabet'] };
}

export function secretsPolicy(values: SecretsValues): SecretsPolicy {
  return { generate: { length: values['secrets.generate.length'], alphabet: values['secrets.generate.alphabet'] } };
}
