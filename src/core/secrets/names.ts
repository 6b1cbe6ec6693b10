import { z } from 'zod';
import { CircleError } from '../errors.js';

/** Environment names as the config schema spells them. */
export const envNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _ (at most 63)');
/**
 * Names that every JavaScript object already has (`constructor`, `toString`,
 * `__proto__`, …). Secrets and recipients are keyed by name in the JSON files
 * and in the objects parsed from them, where such a name would find the
 * built-in instead of an entry (or, for `__proto__`, replace the prototype), so
 * they are refused where names come in.
 */
const notBuiltIn = (name: string) => !Object.prototype.hasOwnProperty.call(Object.prototype, name);
const builtInMessage = 'reserved: every JavaScript object has a property of that name';

/** Secret names are environment-variable names, so every secret can be injected and exported as dotenv. */
export const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,255}$/, 'letters, digits and _, not starting with a digit')
  .refine(notBuiltIn, builtInMessage);
export const recipientLabelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'letters, digits and . _ @ - (at most 64)')
  .refine(notBuiltIn, builtInMessage);

function check<T>(schema: z.ZodType<T>, value: string, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new CircleError('USAGE', `Invalid ${what} ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? 'bad value'}`);
  return r.data;
}

export const parseEnvName = (v: string) => check(envNameSchema, v, 'environment name');
export const parseSecretName = (v: string) => check(secretNameSchema, v, 'secret name');
export const parseRecipientLabel = (v: string) => check(recipientLabelSchema, v, 'recipient label');

/** `CIRCLE_KEY_<ENV>`: the variable CI sets to the environment's private key. */
export function keyEnvVar(env: string): string {
  return `CIRCLE_KEY_${env.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Largest value accepted (1 MiB): secrets are small; bigger things are files for `circle encrypt`. */
export const maxSecretBytes = 1 << 20;
