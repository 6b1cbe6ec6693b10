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
 * The ways of writing `NAME=value` that `dotenv.parse` reads back as exactly `value`
 * on their own, best first. dotenv has no general escape (in double quotes only \n
 * and \r are expanded, and a backslash before a quote is kept), so each quoting is
 * tried. The bare value comes last: it is the clean way to write a value that ends in
 * a backslash.
 */
function candidateLines(name: string, value: string): string[] {
  const written = [`'${value}'`, `"${value}"`, `\`${value}\``, `"${value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`, value];
  return written.map((text) => `${name}=${text}`).filter((line) => dotenv.parse(line)[name] === value);
}

/**
 * True when the line reads back right only on its own. dotenv's pattern tries the quoted
 * forms first, and a quoted form runs across newlines, stopping only at a quote that no
 * backslash precedes (it takes backslash-quote as an escaped quote). A value that opens
 * with a quote but has no such closing quote on its line (`'C:\\dir\\'`, or a bare value
 * starting with a backtick) would swallow the following lines up to one that ends in the
 * same quote.
 */
function closesAmbiguously(line: string): boolean {
  const written = line.slice(line.indexOf('=') + 1).trimStart();
  const quote = written[0];
  if (quote !== "'" && quote !== '"' && quote !== '`') return false;
  for (let i = 1; i < written.length; i++) if (written[i] === quote && written[i - 1] !== '\\') return false;
  return true;
}

function unrepresentable(name: string): CircleError {
  return new CircleError('USAGE', `The value of ${name} cannot be written so that dotenv reads it back unchanged`, {
    hint: 'dotenv has no escape for quotes: a value holding both \x27 and ` plus " or a literal \\n cannot be quoted. Export as --format json or shell instead.',
    details: { name },
  });
}

/** One `NAME=…` line that `dotenv.parse` reads back as exactly `value`, preferring one that is safe anywhere in a file. */
export function dotenvLine(name: string, value: string): string {
  const lines = candidateLines(name, value);
  const line = lines.find((candidate) => !closesAmbiguously(candidate)) ?? lines[0];
  if (line === undefined) throw unrepresentable(name);
  return line;
}

/**
 * A whole dotenv file that `dotenv.parse` reads back as exactly `values`. Quoting is
 * judged against the whole file, not one line: a line that can only be written with a
 * backslash before its closing quote goes last, where no later quote can extend it, and
 * the finished file is parsed again so that nothing is exported that would read back changed.
 */
export function formatDotenv(values: Record<string, string>): string {
  const clean: string[] = [];
  const ambiguous: string[] = [];
  for (const name of Object.keys(values).sort()) {
    const line = dotenvLine(name, values[name]!);
    (closesAmbiguously(line) ? ambiguous : clean).push(`${line}\n`);
  }
  const text = [...clean, ...ambiguous].join('');
  const parsed = dotenv.parse(text);
  const changed = Object.keys(values).find((name) => parsed[name] !== values[name]);
  if (changed !== undefined) throw unrepresentable(changed);
  return text;
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
