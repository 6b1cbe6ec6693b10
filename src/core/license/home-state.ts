import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where `circle license verify` keeps its last-seen time in the home: one file
 * per issuer key (`<home>/license/last-seen-<16 hex>.json`), so licenses of
 * different vendors checked on one machine do not share a clock state.
 */
export function homeLastSeenPath(homeDir: string, kid: string): string {
  const tag = createHash('sha256').update(kid).digest('hex').slice(0, 16);
  return join(homeDir, 'license', `last-seen-${tag}.json`);
}
