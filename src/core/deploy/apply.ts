import { CircleError } from '../errors.js';
import type { VaultContext } from '../vault/context.js';
import { findKubectl, runProcess } from './kubectl.js';
import type { RenderedEnvironment } from './render.js';
import type { DeployKubectlResult } from './types.js';

export type DryRun = 'none' | 'server' | 'client';

export interface KubectlTarget {
  context?: string;
  processEnv?: NodeJS.ProcessEnv;
}

export function requireConfirmation(env: string, protectedEnvs: string[], confirm: string | undefined): void {
  if (!protectedEnvs.includes(env)) return;
  if (confirm === env) return;
  throw new CircleError('USAGE', confirm === undefined ? `Environment "${env}" is protected: applying needs --confirm ${env}` : `--confirm ${confirm} does not name the environment being applied (${env})`, {
    hint: `Pass --confirm ${env} (deploy.protected lists the protected environments).`,
  });
}

function contextArgs(target: KubectlTarget): string[] {
  return target.context ? [`--context=${target.context}`] : [];
}

/**
 * `kubectl diff -f -` with the rendered stream (Secret included) on stdin. kubectl masks
 * Secret data in its diff output. Exit 0 = no difference, 1 = differences, more = error.
 */
export async function diffEnvironment(rendered: RenderedEnvironment, target: KubectlTarget = {}): Promise<DeployKubectlResult> {
  const kubectl = findKubectl(target.processEnv);
  const args = ['diff', ...contextArgs(target), '--server-side', '--field-manager=circle', '-f', '-'];
  const result = await runProcess(kubectl, args, { input: rendered.stream, env: target.processEnv ?? process.env });
  if (result.code > 1) throw kubectlFailed('diff', result.stderr, result.code);
  return { env: rendered.env, action: 'diff', changed: result.code === 1, digest: rendered.digest, output: result.stdout.toString('utf8'), kubectlArgs: args, dryRun: 'none' };
}

/**
 * `kubectl apply --server-side --field-manager=circle -f -`: requires `deploy.apply`, and every
 * attempt (success or failure) is an audit entry with the digest of what was applied.
 */
export async function applyEnvironment(ctx: VaultContext, rendered: RenderedEnvironment, options: KubectlTarget & { dryRun?: DryRun } = {}): Promise<DeployKubectlResult> {
  const target = `deploy:${rendered.env}`;
  await ctx.require('deploy.apply', target);
  const kubectl = findKubectl(options.processEnv);
  const dryRun = options.dryRun ?? 'none';
  const args = ['apply', ...contextArgs(options), '--server-side', '--field-manager=circle', ...(dryRun === 'none' ? [] : [`--dry-run=${dryRun}`]), '-f', '-'];
  const details = { digest: rendered.digest, engine: rendered.engine, dryRun, ...(options.context ? { context: options.context } : {}), secretKeys: rendered.secret?.keys ?? [] };
  const result = await runProcess(kubectl, args, { input: rendered.stream, env: options.processEnv ?? process.env });
  if (result.code !== 0) {
    await ctx.record({ action: 'deploy.apply', outcome: 'failure', target, reason: 'kubectl-failed', details: { ...details, exitCode: result.code } });
    throw kubectlFailed('apply', result.stderr, result.code);
  }
  await ctx.record({ action: 'deploy.apply', outcome: 'success', target, ...(dryRun === 'none' ? {} : { reason: `dry-run-${dryRun}` }), details });
  return { env: rendered.env, action: 'apply', changed: true, digest: rendered.digest, output: result.stdout.toString('utf8'), kubectlArgs: args, dryRun };
}

function kubectlFailed(verb: string, stderr: string, code: number): CircleError {
  const first = stderr.trim().split('\n')[0]?.replace(/^(error|Error): /, '') ?? '';
  return new CircleError('CHECK_FAILED', `kubectl ${verb} failed (exit ${code}): ${first.slice(0, 300)}`, { hint: 'Check the cluster connection (kubectl config current-context) and the message above.' });
}
