import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identityFlag } from '../../cli/flags.js';
import { deployEnvFlag, dirFlag } from '../../cli/deploy/shared.js';
import { CircleError } from '../../core/errors.js';
import type { DeployRenderResult } from '../../core/deploy/types.js';

export default class DeployRender extends BaseCommand<typeof DeployRender> {
  static override summary = 'Print the manifests of one environment, with its Secret built from `circle secrets`.';
  static override description = [
    'Runs `kubectl kustomize deploy/overlays/<env>` (or `kustomize build` when only that is installed) and appends a',
    'Secret holding the secrets that deploy/circle.yaml names, read from `circle secrets` of the environment.',
    'The Secret goes only to stdout: never to disk. Without secrets the output is byte-identical to kubectl kustomize.',
    'With --json, only the digest, the resource count and the Secret\'s name and keys are printed (no values).',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> deploy render --env staging',
    '<%= config.bin %> deploy render --env production | kubectl apply --server-side -f -',
    '<%= config.bin %> deploy render --env dev --no-secrets > dev.yaml',
  ];

  static override flags = {
    env: deployEnvFlag,
    dir: dirFlag,
    identity: identityFlag,
    secrets: Flags.boolean({ description: 'Add the Secret from `circle secrets` (--no-secrets: kustomize output only).', default: true, allowNo: true }),
  };

  async run(): Promise<DeployRenderResult> {
    const { flags } = await this.parse(DeployRender);
    if (!flags.env) throw new CircleError('INPUT_REQUIRED', 'Which environment? Pass --env', { hint: 'For example: circle deploy render --env staging' });
    const { resolve } = await import('node:path');
    const { renderEnvironment } = await import('../../core/deploy/render.js');
    const { parseManifests } = await import('../../core/deploy/manifests.js');
    const { commandSecretReader } = await import('../../cli/deploy/shared.js');
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const rendered = await renderEnvironment({ dir: resolve(flags.dir), env: flags.env, ...(flags.secrets ? { readSecrets: commandSecretReader(await this.circle(), cfg, flags.env, flags.identity) } : {}) });
    const result: DeployRenderResult = {
      env: rendered.env,
      engine: rendered.engine,
      digest: rendered.digest,
      resources: parseManifests(rendered.manifests, '<rendered>').manifests.length,
      ...(rendered.secret ? { secret: rendered.secret } : {}),
    };
    // The stream exactly as rendered: this.log would add a newline kubectl did not print.
    if (!this.jsonEnabled()) this.writeOut(rendered.stream);
    return result;
  }
}
