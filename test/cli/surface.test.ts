import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { cliEnv, repoRoot } from '../helpers/cli.js';

describe('the command surface contract', () => {
  it('matches command-snapshot.json: no command or flag changes by accident', () => {
    // The snapshot plugin is a dev plugin, so it runs through bin/dev.js. After an intended
    // change, run `npm run snapshot` and commit command-snapshot.json with the change.
    const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'dev.js'), 'snapshot', 'compare'], { cwd: repoRoot, env: cliEnv(), encoding: 'utf8' });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('No changes have been detected');
  });

  it('keeps every error code on its documented exit code', () => {
    // DESIGN.md §5: scripts branch on these; change them only on purpose, with the docs.
    expect(ErrorCodes).toEqual({
      CHECK_FAILED: 1,
      USAGE: 2,
      INPUT_REQUIRED: 2,
      CONFIG_INVALID: 2,
      CONFIG_UNKNOWN_KEY: 2,
      AUTH_REQUIRED: 3,
      AUTH_FAILED: 3,
      AUTH_LOCKED: 3,
      SESSION_EXPIRED: 3,
      TOKEN_INVALID: 3,
      PERMISSION_DENIED: 3,
      HOME_UNSAFE: 3,
      NOT_FOUND: 4,
      INTEGRITY: 5,
      STATE_CORRUPT: 5,
      STATE_TOO_NEW: 5,
      DECRYPT_FAILED: 5,
      CONFLICT: 6,
      LOCK_TIMEOUT: 6,
      ALREADY_EXISTS: 6,
      IO: 10,
      INTERNAL: 10,
      INTERRUPTED: 130,
    });
  });
});
