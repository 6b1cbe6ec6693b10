/** The `--json` results of `circle deploy` commands: plain data, stable keys. */
import type { JsonScanReport } from '../scan/report/json.js';

export interface DeployInitResult {
  dir: string;
  app: string;
  environments: string[];
  files: string[];
}

export interface DeployRenderResult {
  env: string;
  engine: string;
  /** sha256 of the kustomize output (without the Secret). */
  digest: string;
  resources: number;
  /** The Secret added from `circle secrets`: its name and keys, never the values. */
  secret?: { name: string; namespaces: string[]; keys: string[] };
}

export type DeployValidateResult = JsonScanReport & { failOn: string; failed: boolean; k8sVersion: string; strict: boolean; targets: string[] };

export interface DeployKubectlResult {
  env: string;
  action: 'diff' | 'apply';
  /** diff: kubectl found differences; apply: always true when it succeeded. */
  changed: boolean;
  digest: string;
  /** kubectl's stdout (Secret data masked by kubectl in diffs). */
  output: string;
  kubectlArgs: string[];
  dryRun: 'none' | 'server' | 'client';
}

export type DeployApplyCommandResult = DeployKubectlResult & { validation: { findings: number; failOn: string } };
