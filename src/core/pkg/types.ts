import type { PublisherKeyInfo, TrustEntry } from './keystore.js';

/** What the `circle pkg` commands return (and print with --json). Plain data. */
export type SignaturePolicy = 'require' | 'warn' | 'off';

export interface PkgPackResult {
  name: string;
  version: string;
  filename: string;
  /** Where the tarball was written; absent with --dry-run. */
  file?: string;
  integrity: string;
  shasum: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number; mode: number }[];
}

export interface PkgFinding {
  kind: 'secret' | 'vulnerability';
  severity: string;
  /** Redacted: never the secret itself. */
  message: string;
  location?: string;
}

export interface PkgPublishResult {
  name: string;
  version: string;
  registry: string;
  tag: string;
  integrity: string;
  keyid?: string;
  dryRun: boolean;
  published: boolean;
  findings: PkgFinding[];
  files: number;
  unpackedSize: number;
}

export interface PkgInstallResult {
  installed: { name: string; version: string; location: string; integrity: string; keyid?: string }[];
  lockfile: string;
  warnings: string[];
}

export interface PkgVerifyProblem {
  location: string;
  name: string;
  version: string;
  problem: 'missing' | 'modified' | 'integrity' | 'signature' | 'yanked' | 'deprecated' | 'not-in-registry';
  message: string;
}

export interface PkgVerifyResult {
  verified: number;
  problems: PkgVerifyProblem[];
  ok: boolean;
}

export interface PkgInfoResult {
  name: string;
  description?: string;
  distTags: Record<string, string>;
  versions: { version: string; published?: string; deprecated?: string; yanked: boolean; signed: boolean; keyids: string[] }[];
  latest?: { version: string; dependencies: Record<string, string>; integrity: string; fileCount?: number; unpackedSize?: number };
}

export interface PkgSearchResult {
  query: string;
  results: { name: string; version: string; description?: string; keywords?: string[]; date: string }[];
}

export interface PkgChangeResult {
  name: string;
  versions: string[];
  action: 'deprecate' | 'undeprecate' | 'yank' | 'unyank';
  message?: string;
}

export interface PkgDistTagResult {
  name: string;
  distTags: Record<string, string>;
}

export interface PkgInitResult {
  file: string;
  name: string;
  version: string;
}

export type PkgKeysCreateResult = PublisherKeyInfo & { publicKeyPem: string };

export interface PkgKeysExportResult {
  keyid: string;
  /** base64 DER SubjectPublicKeyInfo, as in the registry's keys document. */
  publicKey: string;
  publicKeyPem: string;
}

export interface PkgKeysListResult {
  keys: PublisherKeyInfo[];
}

export type PkgKeysRevokeResult = PublisherKeyInfo & { publishedToRegistry: boolean };

export interface PkgTrustListResult {
  keys: TrustEntry[];
}

export interface PkgTrustRmResult {
  keyid: string;
  removed: number;
}

/** A key trusted for install and verify (`pkg trust add`). */
export interface PkgTrustAddResult {
  keyid: string;
  /** base64 DER SubjectPublicKeyInfo. */
  publicKey: string;
  scope?: string;
  addedAt: string;
  addedBy: string;
  revokedAt?: string;
}
