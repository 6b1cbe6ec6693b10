import type { DocumentKind } from './home/document.js';
import { userConfigKind } from './config/user-config.js';
import { vaultDocument } from './vault/store.js';
import { authStateDocument } from './auth/lockout.js';
import { sessionDocument } from './auth/session.js';
import { publicKeysKind } from './audit/keys.js';
import { personalSecretsDocument } from './secrets/personal-store.js';

export interface StateFileKind {
  /** Path relative to the home; `*` stands for any file name in that folder. */
  path: string;
  kind: DocumentKind<unknown>;
}

/**
 * Every versioned state file a topic keeps in the home, so `circle doctor` can
 * check each against its schema and version. A topic that adds a file adds it here.
 */
export const knownStateFiles: StateFileKind[] = [
  { path: 'config.json', kind: userConfigKind },
  { path: 'vault.json', kind: vaultDocument },
  { path: 'auth-state.json', kind: authStateDocument },
  { path: 'sessions/*.json', kind: sessionDocument },
  { path: 'audit/public-keys.json', kind: publicKeysKind },
  { path: 'secrets/*.json', kind: personalSecretsDocument },
] as StateFileKind[];
