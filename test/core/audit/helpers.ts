import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempHome(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'circle-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a pre-vault `<home>/audit-keys.json` (the legacy private-key file), to test migration. */
export async function writeLegacyKeys(dir: string, keys: { detailsPrivateKey: import('node:crypto').KeyObject; signingKey: import('node:crypto').KeyObject }): Promise<void> {
  const body = {
    format: 'circle-audit-private-keys',
    version: 1,
    data: { detailsPrivateKey: keys.detailsPrivateKey.export({ format: 'jwk' }).d, signingKey: keys.signingKey.export({ format: 'jwk' }).d },
  };
  writeFileSync(join(dir, 'audit-keys.json'), `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
}
