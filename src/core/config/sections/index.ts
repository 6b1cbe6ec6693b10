import { z } from 'zod';
import { auditPolicy, auditSection } from './audit.js';
import { authPolicies, authSection, type AuthPolicies } from './auth.js';
import { coreSection, environmentPolicy, lockPolicy, type EnvironmentPolicy, type LockPolicy } from './core.js';
import { storagePolicy, storageSection, type StoragePolicy } from './storage.js';
import { pkgPolicy, pkgSection, type PkgPolicy } from './pkg.js';
import { deployPolicy, deploySection, type DeployPolicy } from './deploy.js';
import { scanPolicy, scanSection, type ScanPolicy } from './scan.js';
import { secretsPolicy, secretsSection, type SecretsPolicy } from './secrets.js';
import type { AuditSettings } from '../../audit/settings.js';

/**
 * Every topic's configuration section, in `config list` order. The merged schema
 * (../schema.ts) is built from these; each key's default lives only here.
 */
export const configSections = { ...coreSection, ...authSection, ...secretsSection, ...auditSection, ...storageSection, ...scanSection, ...pkgSection, ...deploySection };

type SectionValues = { [K in keyof typeof configSections]: z.output<(typeof configSections)[K]> };

/** One typed policy object per topic, derived from the resolved values. */
export interface CirclePolicies {
  environment: EnvironmentPolicy;
  lock: LockPolicy;
  auth: AuthPolicies;
  secrets: SecretsPolicy;
  audit: AuditSettings;
  scan: ScanPolicy;
  storage: StoragePolicy;
  pkg: PkgPolicy;
  deploy: DeployPolicy;
}

export function policiesFromConfig(values: SectionValues): CirclePolicies {
  return {
    environment: environmentPolicy(values),
    lock: lockPolicy(values),
    auth: authPolicies(values),
    secrets: secretsPolicy(values),
    audit: auditPolicy(values),
    scan: scanPolicy(values),
    storage: storagePolicy(values),
    pkg: pkgPolicy(values),
    deploy: deployPolicy(values),
  };
}

export type { AuthPolicies, DeployPolicy, PkgPolicy, StoragePolicy, EnvironmentPolicy, LockPolicy, ScanPolicy, SecretsPolicy };

/**
 * The policies with every key at its default: what a library caller gets when it
 * passes no policy (DEFAULT_LOCKOUT_POLICY and friends are read from here), so a
 * default is written once, in its section.
 */
export const DEFAULT_POLICIES: CirclePolicies = policiesFromConfig(z.strictObject(configSections).parse({}));
