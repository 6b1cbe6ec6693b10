/** The audit log's public surface (re-exported from the package's index). */
export type { AuditActor, AuditEvent, AuditOutcome, AuditSink } from './sink.js';
export { discardAuditEvents } from './sink.js';
export { openAuditSink, isVaultAwareSink, type OpenAuditSinkOptions, type AuditEventWithReason, type HomeAuditSink } from './open-sink.js';
export { appendAuditEvent, pruneAuditLog, writeAuditCheckpoint, type AppendOptions, type RetentionPolicy, type RotationPolicy } from './log.js';
export { generateAuditKeys, loadAuditKeys, loadAuditPublicKeys, ensureAuditKeys, publishAuditPublicKeys, verifierKeyString, AUDIT_DETAILS_SECRET, AUDIT_SIGNING_SECRET, type AuditKeys } from './keys.js';
export { writeAuditEvent, type ApplicationAuditEvent } from './write.js';
export { verifyAuditLog, type AuditVerifyResult, type VerifyProblem } from './verify.js';
export { proveConsistency, type ConsistencyProofResult } from './prove.js';
export { readAuditEntries, revealDetails, type AuditFilter, type ReadableAuditEntry } from './query.js';
export { AuditAlertEngine, evaluateAuditLog, followAuditLog, resolveWatchRules, type AuditAlert, type AuditWatchRules, type AuditWatchSettings } from './watch.js';
export { auditSettingsFromConfig, type AuditSettings } from './settings.js';
export type { AuditEntry } from './entry.js';
export { parseCheckpointNote, parseVerifierKey, type Checkpoint } from './note.js';
export { leafHash, nodeHash, verifyConsistency, verifyInclusion, consistencyProof, inclusionProof, MerkleFrontier } from './merkle.js';
