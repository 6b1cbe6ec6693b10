import type { SecretRuleSpec } from './types.js';
import { PREFIXED_RULES } from './prefixed.js';
import { CUSTOM_RULES } from './custom.js';

export type { SecretRuleSpec } from './types.js';

/** Every built-in rule, in a stable order (custom shapes first: they carry context). */
export const BUILTIN_RULES: readonly SecretRuleSpec[] = [...CUSTOM_RULES, ...PREFIXED_RULES];
