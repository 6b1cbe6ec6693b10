/**
 * `circle-core/deploy`: generate kustomize trees, render them with kubectl, validate manifests
 * offline (strict schemas and kube-linter/Polaris-named checks) and apply them through kubectl.
 */
export * from '../core/deploy/index.js';
export type * from '../core/deploy/types.js';
