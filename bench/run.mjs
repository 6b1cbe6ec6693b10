// `npm run bench`: runs every benchmark script in bench/ (after `npm run build`), or those named.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib.mjs';

const dir = join(repoRoot, 'bench');
const wanted = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(f))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n== ${script}`);
  const result = spawnSync(process.execPath, [join(dir, script)], { stdio: 'inherit', cwd: repoRoot });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
