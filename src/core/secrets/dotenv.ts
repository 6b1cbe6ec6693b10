import dotenv from 'dotenv';
import { CircleError } from '../errors.js';
import { secretNameSchema } from './names.js';

/**
 * Import and export in the formats other tools speak. Parsing is the `dotenv`
 * package's own `parse`, so quotes, escapes, multiline values, comments and
 * `export` prefixes mean exactly what they mean to dotenv.
 */
export function parseDotenv(text: string, source = '.env'): Record<string, string> {
  const parsed = dotenv.parse(text);
  const bad = Object.keys(parsed).filter((k) => !secretNameSchema.safeParse(k).success);
  if (bad.length > 0) {
    throw new CircleError('USAGE', `${source} has names that cannot be secret names: ${bad.slice(0, 5).join(', ')}`, {
      hint: 'Secret names are letters, digits and _, not starting with a digit, and not a name every JavaScript object has (constructor, toString, …); rename them in the file first.',
    });
  }
  return parsed;
}

/**
 * One `NAME=…` line that `dotenv.parse` reads back as exactly `value`. dotenv has
 * no general escape (in double quotes only \n and \r are expanded, and a
 * backslash before a quote is kept), so each quoting is tried and the first
 * that round-trips is used.
 */
export function dotenvLine(name: string, value: string): string {
  const candidates = [
    `'${value}'`,
    `"${value}"`,
    `\`${value}\``,
    `"${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`,
  ];
  for (const quoted of candidates) {
    const line = `${name}=${quoted}`;
    if (dotenv.parse(line)[name] === value) return line;
  }
  throw new CircleError('USAGE', `The value of ${name} cannot be written so that dotenv reads it back unchanged`, {
    hint: 'dotenv has no escape for quotes: a value holding both \x27 and ` plus " or a literal \\n cannot be quoted. Export as --format json or shell instead.',
    details: { name },
  });
}

export function formatDotenv(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((name) => `${dotenvLine(name, values[name]!)}\n`)
    .join('');
}

/** POSIX shell single quotes: nothing inside is special; a ' is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function formatShellExports(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((name) => `export ${name}=${shellQuote(values[name]!)}\n`)
    .join('');
}

export function formatJson(values: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export type ExportFormat = 'dotenv' | 'json' | 'shell';

export function formatSecrets(values: Record<string, string>, format: ExportFormat): string {
  switch (format) {
    case 'dotenv':
      return formatDotenv(values);
    case 'json':
      return formatJson(values);
    case 'shell':
      return formatShellExports(values);
  }
}
