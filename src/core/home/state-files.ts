import type { DocumentKind } from './document.js';
import { userConfigKind } from '../config/user-config.js';

/**
 * The versioned state files each topic keeps in the home, by path relative to it,
 * so `circle doctor` can check every one against its schema and version.
 */
export const knownStateFiles: { file: string; kind: DocumentKind<unknown> }[] = [{ file: 'config.json', kind: userConfigKind as DocumentKind<unknown> }];
