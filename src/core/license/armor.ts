/**
 * Armoured text blocks (`-----BEGIN CIRCLE LICENSE-----`) and strict base64.
 *
 * Strict because a license must reject every single-byte change: Node's base64
 * decoder ignores stray characters and the unused low bits of the last symbol,
 * so two different texts can decode to the same bytes. Everything here decodes
 * only the one canonical spelling of a value and returns undefined otherwise.
 */

const LINE = 64;

/**
 * Standard base64 with padding, or undefined unless `text` is exactly the
 * canonical encoding of its bytes. Re-encoding is the whole check: any character
 * outside the alphabet, misplaced padding or non-zero spare bits changes it.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

export function armor(label: string, body: Buffer): string {
  const b64 = body.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The first BEGIN label in `text` (to tell a circle file from a Keygen one), or undefined. */
export function armorLabel(text: string): string | undefined {
  return /^\s*-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n/.exec(text)?.[1];
}

/**
 * The bytes inside an armoured block, accepting only the exact text `armor()`
 * writes (optionally with CRLF line ends, or without the final newline), so the
 * block has one spelling and any changed byte is noticed.
 */
export function dearmor(label: string, text: string): Buffer | undefined {
  let normalised = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  if (!normalised.endsWith('\n')) normalised += '\n';
  const head = `-----BEGIN ${label}-----\n`;
  const foot = `-----END ${label}-----\n`;
  if (!normalised.startsWith(head) || !normalised.endsWith(foot)) return undefined;
  const inner = normalised.slice(head.length, normalised.length - foot.length);
  // Comparing the re-armoured bytes with the text checks the base64 and the line breaks at once.
  const bytes = Buffer.from(inner, 'base64');
  if (bytes.length === 0) return undefined;
  return armor(label, bytes) === normalised ? bytes : undefined;
}

/**
 * Keygen's armour (`-----BEGIN LICENSE FILE-----`): base64 wrapped at any width.
 * Lenient on wrapping (Keygen's own client is) but strict on the base64 itself.
 */
export function dearmorLoose(label: string, text: string): Buffer | undefined {
  const normalised = text.replace(/\r\n/g, '\n').trim();
  const head = `-----BEGIN ${label}-----`;
  const foot = `-----END ${label}-----`;
  if (!normalised.startsWith(head) || !normalised.endsWith(foot)) return undefined;
  const inner = normalised.slice(head.length, normalised.length - foot.length).replace(/\n/g, '');
  return decodeBase64Strict(inner);
}
