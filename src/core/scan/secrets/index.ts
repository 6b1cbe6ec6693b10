export { scanSecrets, activeRules, ruleDescriptors, DEFAULT_MAX_FILE_SIZE, type ScanSecretsOptions, type ScanSecretsSource, type ScanProgress } from './scanner.js';
export { SecretDetector, type SecretMatch, type DetectorOptions } from './engine.js';
export { BUILTIN_RULES, type SecretRuleSpec } from './rules/index.js';
export { loadScanSecretsConfig, ScanSecretsConfigSchema, CONFIG_FILE, type ScanSecretsConfig } from './config.js';
export { gitTopLevel } from './sources/diff.js';
export { readBaseline, writeBaseline, type SecretsBaseline } from './baseline.js';
export { redactSecret, fingerprintOf, legacyFingerprintOf } from './redact.js';
export { installPreCommitHook, HOOK_MARKER, type InstallHookResult } from './hook.js';
