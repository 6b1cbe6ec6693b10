/** Team secrets in git (project scope), injection, dotenv import/export and value generation. */
export * from './names.js';
export * from './project-store.js';
export * from './identities.js';
export * from './scope.js';
export { parseDotenv, dotenvLine, formatDotenv, formatJson, formatShellExports, formatSecrets, shellQuote, type ExportFormat } from './dotenv.js';
export { generateSecretValue, type GenerateAlphabet } from './generate.js';
export { runWithSecrets, type RunOptions } from './inject.js';
export type { ProjectSecretsFile } from './project-format.js';
export { openSecretsBackend, openProjectScope, projectBackend, personalBackend, type SecretsBackend, type BackendRequest } from './backend.js';
export {
  getPersonalSecret,
  readPersonalSecrets,
  listPersonalSecrets,
  personalSecretHistory,
  setPersonalSecret,
  setPersonalSecrets,
  removePersonalSecret,
  rollbackPersonalSecret,
  personalSecretsPath,
  personalSecretsRecordStore,
} from './personal-store.js';
export {
  SECRET_REFERENCE_PREFIX,
  parseSecretReference,
  formatSecretReference,
  resolveSecretReferences,
  resolveEnvironmentReferences,
  hasSecretReferences,
  backendSecretReader,
  type SecretReference,
  type ResolvedReference,
  type SecretReader,
  type ResolveReferencesOptions,
} from './references.js';
export { machineTokenRecipient, type MachineTokenRecipient } from './token-recipient.js';
export { ownRecipient, type OwnRecipientResult } from './own-recipient.js';
