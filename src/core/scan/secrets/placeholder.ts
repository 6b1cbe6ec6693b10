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

/**
 * Keys printed in providers' own documentation, which tutorials and tests copy verbatim: they
 * look random but unlock nothing (Stripe's public test-mode samples).
 */
const DOCUMENTED_EXAMPLE_KEYS = new Set(['sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'pk_test_TYooMQauvdEDq54NiTphI7jx', 'sk_test_BQokikJOvBiI2HlWgH4olfQ2', 'pk_test_6pRNASCoBOKtIshFeQd4XMUh']);

export function isDocumentedExample(secret: string): boolean {
  return DOCUMENTED_EXAMPLE_KEYS.has(secret);
}

export function isPlaceholder(secret: string): boolean {
  if (DOCUMENTED_EXAMPLE_KEYS.has(secret)) return true;
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
