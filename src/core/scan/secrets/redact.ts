import { createHash } from 'node:crypto';

/**
 * What a report shows of a secret by default: the provider's fixed prefix (at most
 * four characters, e.g. `AKIA`, `ghp_`: it names the kind of credential) and the
 * length. Nothing of a password or a generic secret is shown.
 */
export function redactSecret(secret: string, visiblePrefix = 0): string {
  const firstLine = secret.split(/\r?\n|\\n/)[0] ?? '';
  if (secret.startsWith('-----BEGIN')) return `${firstLine} …(redacted)`;
  const keep = Math.min(4, visiblePrefix, Math.floor(secret.length / 4));
  return `${secret.slice(0, keep)}${'*'.repeat(8)} (${secret.length} chars)`;
}

/**
 * A finding's identity for baselines and SARIF. Built from where the finding is, not
 * from the secret: a hash of a low-entropy password in a committed baseline file
 * could be brute-forced offline.
 */
export function fingerprintOf(parts: { ruleId: string; path: string; line: number; commit?: string }): string {
  return createHash('sha256')
    .update(`${parts.commit ?? ''}\u0000${parts.path}\u0000${parts.ruleId}\u0000${parts.line}`)
    .digest('hex')
    .slice(0, 32);
}
