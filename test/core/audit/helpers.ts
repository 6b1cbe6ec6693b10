import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempHome(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'circle-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
