import { createHash, scryptSync } from 'node:crypto';

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
 * A finding's identity for baselines and SARIF: the rule and a slow, salted hash of the
 * secret — not where it is, so a baselined finding stays baselined when lines move or the
 * file is renamed (the line is only a hint in the report). The hash is scrypt (N = 2^12, r = 8:
 * ~10 ms) because a committed baseline must not make a weak password cheap to guess offline:
 * a plain SHA-256 would allow billions of guesses a second. Provider keys are far beyond
 * guessing either way; what a baseline still lets an attacker do is test a guess at ~100 a
 * second per core, which docs/scan.md states.
 */
export function fingerprintOf(parts: { ruleId: string; secret: string }): string {
  const key = `${parts.ruleId}\u0000${parts.secret}`;
  let fingerprint = fingerprintCache.get(key);
  if (fingerprint === undefined) {
    const stretched = scryptSync(parts.secret, `circle-secrets-fingerprint/v2\u0000${parts.ruleId}`, 32, { N: 1 << 12, r: 8, p: 1 });
    fingerprint = createHash('sha256').update(`v2\u0000${parts.ruleId}\u0000`).update(stretched).digest('hex').slice(0, 32);
    if (fingerprintCache.size > 10_000) fingerprintCache.clear();
    fingerprintCache.set(key, fingerprint);
  }
  return fingerprint;
}

/** A secret found in many commits of a history scan is hashed once. */
const fingerprintCache = new Map<string, string>();

/** The location-based fingerprint of version 1 baselines, still honoured when reading one. */
export function legacyFingerprintOf(parts: { ruleId: string; path: string; line: number; commit?: string }): string {
  return createHash('sha256')
    .update(`${parts.commit ?? ''}\u0000${parts.path}\u0000${parts.ruleId}\u0000${parts.line}`)
    .digest('hex')
    .slice(0, 32);
}
