import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identityFlag } from '../../cli/flags.js';
import { contextFlag, deployEnvFlag, dirFlag, failOnFlag } from '../../cli/deploy/shared.js';
import { CircleError } from '../../core/errors.js';
import type { DeployKubectlResult } from '../../core/deploy/types.js';

export default class DeployDiff extends BaseCommand<typeof DeployDiff> {
  static override summary = 'Show what `deploy apply` would change in the cluster (kubectl diff).';
  static override description = [
    'Renders the environment with its Secret, validates it (refusing at --fail-on), then runs',
    '`kubectl diff --server-side --field-manager=circle -f -` with the stream on stdin. kubectl masks Secret data in the diff.',
    'Exits 0 when nothing would change, 1 when something would (as kubectl diff).',
  ].join('\n');

  static override examples = ['<%= config.bin %> deploy diff --env staging', '<%= config.bin %> deploy diff --env production --context prod-cluster'];

  static override flags = {
    env: deployEnvFlag,
    dir: dirFlag,
    identity: identityFlag,
    context: contextFlag,
    'fail-on': failOnFlag,
    'k8s-version': Flags.string({ description: 'Kubernetes version whose schemas to validate against.', default: '1.32' }),
  };

  async run(): Promise<DeployKubectlResult> {
    const { flags } = await this.parse(DeployDiff);
    if (!flags.env) throw new CircleError('INPUT_REQUIRED', 'Which environment? Pass --env', { hint: 'For example: circle deploy diff --env staging' });
    const { resolve } = await import('node:path');
    const deploy = await import('../../core/deploy/index.js');
    const { commandSecretReader, renderFindingsText, rolloutSettings } = await import('../../cli/deploy/shared.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env, flags: { 'deploy.policy.failOn': flags['fail-on'] } });
    const { failOn, settings } = rolloutSettings(cfg.values);
    const prepared = await deploy.prepareRollout({ dir: resolve(flags.dir), env: flags.env, readSecrets: commandSecretReader(await this.circle(), cfg, flags.env, flags.identity), failOn, settings, k8sVersion: flags['k8s-version'] });
    if (prepared.failed) {
      for (const line of renderFindingsText(prepared.report)) this.warnLine(line);
      throw deploy.rolloutRefused(flags.env, prepared.report, failOn);
    }
    const result = await deploy.diffEnvironment(prepared.rendered, { ...(flags.context ? { context: flags.context } : {}) });
    if (result.changed) this.exitCode = 1;
    if (!this.jsonEnabled()) {
      if (result.output) this.log(result.output.replace(/\n$/, ''));
      this.note(result.changed ? `${flags.env}: changes above would be applied` : `${flags.env}: the cluster matches (digest ${result.digest.slice(0, 12)})`);
    }
    return result;
  }
}
