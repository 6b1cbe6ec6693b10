/** `circle deploy`: generate a secure kustomize tree, render it with secrets, validate offline, diff and apply through kubectl. */
export * from './types.js';
export { parseManifests, readManifestFiles, type Manifest, type ManifestProblem, type ParsedStream } from './manifests.js';
export { SchemaValidator, SCHEMA_SETS, DEFAULT_K8S_VERSION } from './schema.js';
export { CHECKS, checkByName, type PolicyCheck } from './checks.js';
export { validateManifests, selectChecks, failsAt, EXEMPTION_PREFIX, type PolicySettings, type ValidateOptions } from './validate.js';
export { parseAppSpec, DEFAULT_ENVIRONMENTS, DEFAULT_RESOURCES, DEPLOY_PROJECT_FILE, type AppSpec, type DeployProject } from './spec.js';
export { generateTree, secretNameFor } from './generate.js';
export { renderEnvironment, loadDeployProject, listEnvironments, overlayDir, type RenderedEnvironment, type SecretValues } from './render.js';
export { diffEnvironment, applyEnvironment, requireConfirmation, type DryRun } from './apply.js';
export { findKustomize, findKubectl, kustomizeBuild } from './kubectl.js';
export { prepareRollout, rolloutRefused, type PreparedRollout, type RolloutRequest } from './pipeline.js';
