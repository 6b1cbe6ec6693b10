import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identityFlag } from '../../cli/flags.js';
import { contextFlag, deployEnvFlag, dirFlag, failOnFlag } from '../../cli/deploy/shared.js';
import { CircleError } from '../../core/errors.js';
import type { DeployKubectlResult } from '../../core/deploy/types.js';

export default class DeployApply extends BaseCommand<typeof DeployApply> {
  static override summary = 'Validate, then apply one environment with kubectl (server-side apply).';
  static override description = [
    'Renders the environment with its Secret from `circle secrets`, validates it (refusing at --fail-on), then runs',
    '`kubectl apply --server-side --field-manager=circle -f -` with the stream on stdin: secrets never reach argv or disk.',
    'Needs the deploy.apply permission. Protected environments (deploy.protected, default production) need',
    '--confirm <env>. Every apply, dry runs included, is an audit entry with the digest of what was applied.',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> deploy apply --env staging',
    '<%= config.bin %> deploy apply --env production --confirm production',
    '<%= config.bin %> deploy apply --env production --dry-run server',
  ];

  static override flags = {
    env: deployEnvFlag,
    dir: dirFlag,
    identity: identityFlag,
    context: contextFlag,
    'fail-on': failOnFlag,
    'dry-run': Flags.string({ description: 'Passed to kubectl: server validates and runs admission without persisting.', options: ['none', 'server', 'client'], default: 'none' }),
    confirm: Flags.string({ description: 'The environment name, required for protected environments.' }),
    'k8s-version': Flags.string({ description: 'Kubernetes version whose schemas to validate against.', default: '1.32' }),
  };

  async run(): Promise<DeployKubectlResult> {
    const { flags } = await this.parse(DeployApply);
    if (!flags.env) throw new CircleError('INPUT_REQUIRED', 'Which environment? Pass --env', { hint: 'For example: circle deploy apply --env staging' });
    const { resolve } = await import('node:path');
    const deploy = await import('../../core/deploy/index.js');
    const { commandSecretReader, renderFindingsText, rolloutSettings } = await import('../../cli/deploy/shared.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env, flags: { 'deploy.policy.failOn': flags['fail-on'] } });
    const dryRun = flags['dry-run'] as 'none' | 'server' | 'client';
    let confirm = flags.confirm;
    const protectedEnvs = (await (await this.circle()).policies(cfg)).deploy.protected;
    if (dryRun === 'none' && protectedEnvs.includes(flags.env) && confirm === undefined && this.canPrompt()) {
      const { promptText } = await import('../../cli/prompts.js');
      confirm = (await promptText(`"${flags.env}" is protected. Type its name to apply`)).trim();
    }
    if (dryRun === 'none') deploy.requireConfirmation(flags.env, protectedEnvs, confirm);
    const ctx = await (await this.circle()).unlock();
    // Fail on a missing permission before reading any secret.
    await ctx.require('deploy.apply', `deploy:${flags.env}`);
    const { failOn, settings } = rolloutSettings(cfg.values);
    const prepared = await deploy.prepareRollout({ dir: resolve(flags.dir), env: flags.env, readSecrets: commandSecretReader(await this.circle(), cfg, flags.env, flags.identity), failOn, settings, k8sVersion: flags['k8s-version'] });
    if (prepared.failed) {
      for (const line of renderFindingsText(prepared.report)) this.warnLine(line);
      throw deploy.rolloutRefused(flags.env, prepared.report, failOn);
    }
    const spinner = this.progress(`Applying ${flags.env}`);
    let result: DeployKubectlResult;
    try {
      result = await deploy.applyEnvironment(ctx, prepared.rendered, { dryRun, ...(flags.context ? { context: flags.context } : {}) });
    } catch (error) {
      spinner.fail();
      throw error;
    }
    spinner.stop();
    if (!this.jsonEnabled()) {
      if (result.output) this.log(result.output.replace(/\n$/, ''));
      this.note(`Applied ${flags.env}${dryRun === 'none' ? '' : ` (dry run: ${dryRun})`}, digest ${result.digest}`);
    }
    return result;
  }
}
