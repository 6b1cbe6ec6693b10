/** `circle-core/pkg`: pack, sign, publish, resolve, install and verify npm-format packages on any object store. */
export { packDirectory, writeTarball, tarballFilename, PACK_MTIME, type PackedPackage } from './pack.js';
export { packFileList } from './files.js';
export { parseTarball, extractParsed, entryPathProblem, DEFAULT_LIMITS, type ArchiveLimits, type ParsedArchive, type ArchiveFile } from './archive.js';
export { digestTarball, integrityMatches } from './integrity.js';
export { signPackage, signatureMessage, verifyPackageSignatures, type PackageSignature, type TrustedKey, type SignatureVerdict } from './signing.js';
export { Registry, packumentKey, tarballKey, KEYS_DOCUMENT, SEARCH_INDEX } from './registry.js';
export { RegistrySet, parseScopeRegistries } from './sources.js';
export { resolveGraph, pickVersion, type ResolvedNode, type ResolveInput, type ResolveResult } from './resolve.js';
export { readLockfile, writeLockfile, LOCKFILE, type PkgLock, type LockEntry } from './lockfile.js';
export { installPackages, type InstallOptions } from './install.js';
export { publishPackage, type PublishOptions } from './publish.js';
export { verifyInstalled, type VerifyOptions } from './verify.js';
export { packageInfo, searchPackages, deprecateVersions, setYanked, distTags, setDistTag, publishRevocation } from './admin.js';
export {
  createPublisherKey,
  listPublisherKeys,
  exportPublisherKey,
  revokePublisherKey,
  addTrustedKey,
  removeTrustedKey,
  listTrustedKeys,
  trustedKeys,
  parsePublicKey,
  type PublisherKeyInfo,
  type TrustEntry,
} from './keystore.js';
export { parseManifest, readManifest, packageNameProblem, parseSpec, type PackageManifest } from './manifest.js';
export type { Packument, PackumentVersion, KeysDocument, SearchIndex } from './packument.js';
export type * from './types.js';
