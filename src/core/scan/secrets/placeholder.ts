/**
 * Values that look like a credential but are documentation, templates or test
 * fixtures. Reporting them is what makes people turn a scanner off, so every rule
 * (unless it opts out) passes its secret through here.
 */
const PLACEHOLDER_WORDS = [
  'example',
  'xxxx',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'your_',
  'your-',
  'yourkey',
  'yourtoken',
  'yoursecret',
  'dummy',
  'redacted',
  'replace_with',
  'replace-with',
  'replaceme',
  'insert_',
  'fixme',
  'todo',
  'secret123',
  'password123',
  'notreal',
  'not_real',
  'not-a-real',
  'fakefake',
  '****',
  '....',
  '<',
  '>',
  '${',
  '{{',
  '}}',
  '%(',
  '$(',
  'process.env',
  'os.environ',
  'getenv',
  'env.',
];

/** Obvious non-secrets used as password values in docs and examples. */
const PLACEHOLDER_VALUES = new Set(['password', 'passwd', 'pass', 'mypassword', 'secret', 'mysecret', 'changeme', 'admin', 'root', 'test', 'token', 'null', 'undefined', 'none', 'true', 'false']);

export function isPlaceholder(secret: string): boolean {
  const lower = secret.toLowerCase();
  if (PLACEHOLDER_VALUES.has(lower)) return true;
  for (const word of PLACEHOLDER_WORDS) if (lower.includes(word)) return true;
  // `abcdefgh…` / `12345678…` runs and one-or-two-letter fills are typed by people, not generated.
  if (lower.includes('abcdefgh') || lower.includes('12345678') || lower.includes('01234567')) return true;
  if (/(.)\1{7,}/.test(secret)) return true;
  return distinctChars(secret) <= 3;
}

function distinctChars(text: string): number {
  return new Set(text).size;
}
