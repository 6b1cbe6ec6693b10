import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import { deployEnvFlag, dirFlag, failOnFlag } from '../../cli/deploy/shared.js';
import type { DeployValidateResult } from '../../core/deploy/types.js';

export default class DeployValidate extends BaseCommand<typeof DeployValidate> {
  static override summary = 'Validate Kubernetes manifests offline: schemas (strict) and security policy checks.';
  static override description = [
    'Validates the rendered overlays (every environment, or --env), or the YAML/JSON files given, against the',
    'Kubernetes JSON schemas shipped with circle (unknown fields and duplicate keys rejected), then runs policy',
    'checks named as kube-linter and Polaris name them. Exempt one object from one check with the annotation',
    'circle.dev/ignore-check.<check>: "<reason>"; turn checks off or on with deploy.policy.disable / deploy.policy.enable.',
    'Exits 1 when a finding is at or above --fail-on.',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> deploy validate',
    '<%= config.bin %> deploy validate --env production --format sarif > deploy.sarif',
    '<%= config.bin %> deploy validate k8s/*.yaml --k8s-version 1.30 --fail-on high',
    '<%= config.bin %> deploy validate crds/ --schema-dir schemas/',
  ];

  static override strict = false;
  static override args = { files: Args.string({ description: 'Files or directories to validate instead of the rendered overlays.', required: false }) };

  static override flags = {
    env: deployEnvFlag,
    dir: dirFlag,
    'k8s-version': Flags.string({ description: 'Kubernetes version whose schemas to use.', default: '1.32' }),
    strict: Flags.boolean({ description: 'Reject unknown fields and duplicate keys.', default: true, allowNo: true }),
    'schema-dir': Flags.string({ description: 'Directory of extra JSON schemas (CRDs).' }),
    format: Flags.string({ description: 'Output format on stdout.', options: ['text', 'json', 'sarif', 'github'], default: 'text' }),
    'fail-on': failOnFlag,
    check: Flags.string({ description: 'Run only these checks (comma-separated).' }),
  };

  async run(): Promise<DeployValidateResult> {
    const { argv, flags } = await this.parse(DeployValidate);
    const { resolve } = await import('node:path');
    const { toJsonReport } = await import('../../core/scan/report/json.js');
    const deploy = await import('../../core/deploy/index.js');
    const settings = await this.settings({ flags: { 'deploy.policy.failOn': flags['fail-on'] } });
    const policy = (await (await this.circle()).policies(settings)).deploy;
    const failOn = policy.failOn;
    const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
    const files = (argv as string[]).filter((a) => a !== '');
    const dir = resolve(flags.dir);
    if (files.length && flags.env) throw new CircleError('USAGE', 'Give files or --env, not both');

    // The schema validators load while the first kustomize runs (its own process, so the two overlap).
    let kustomizeStarted!: () => void;
    const started = new Promise<void>((done) => (kustomizeStarted = done));
    const validatorReady = started.then(() => deploy.SchemaValidator.create({ k8sVersion: flags['k8s-version'], strict: flags.strict, ...(flags['schema-dir'] ? { schemaDir: resolve(flags['schema-dir']) } : {}) }));
    validatorReady.catch(() => {});
    let stream: import('../../core/deploy/manifests.js').ParsedStream;
    let targets: string[];
    let root: string;
    if (files.length) {
      root = process.cwd();
      targets = files;
      kustomizeStarted();
      stream = await deploy.readManifestFiles(files.map((f) => resolve(f)), root, { rejectDuplicateKeys: flags.strict });
    } else {
      root = dir;
      const envs = flags.env ? [flags.env] : await deploy.listEnvironments(dir);
      if (envs.length === 0) throw new CircleError('NOT_FOUND', `No overlays in ${resolve(dir, 'overlays')}`, { hint: 'Create a tree with `circle deploy init`, or pass files to validate.' });
      targets = envs.map((e) => `overlays/${e}`);
      stream = { manifests: [], problems: [] };
      const spinner = this.progress(`Rendering ${envs.join(', ')}`);
      try {
        for (const env of envs) {
          const rendered = await deploy.renderEnvironment({ dir, env, onKustomizeStarted: kustomizeStarted });
          const parsed = deploy.parseManifests(rendered.manifests, `overlays/${env}`, { rejectDuplicateKeys: flags.strict });
          stream.manifests.push(...parsed.manifests);
          stream.problems.push(...parsed.problems);
        }
      } finally {
        kustomizeStarted();
        spinner.stop();
      }
    }
    const report = await deploy.validateManifests(stream, {
      root,
      validator: await validatorReady,
      settings: { ...policy.checks, ...(flags.check ? { only: list(flags.check) } : {}) },
    });
    const failed = deploy.failsAt(report, failOn);
    if (failed) this.exitCode = 1;
    const result: DeployValidateResult = { ...toJsonReport(report), failOn, failed, k8sVersion: flags['k8s-version'], strict: flags.strict, targets };
    if (this.jsonEnabled()) return result;
    const { machineReport } = await import('../../cli/scan/report-output.js');
    const machine = await machineReport(flags.format, report, result, { name: 'circle-deploy-validate', version: this.config.version });
    if (machine !== undefined) {
      this.writeOut(machine);
      return result;
    }
    const { renderFindingsText, summarizeFindings } = await import('../../cli/deploy/shared.js');
    for (const line of renderFindingsText(report)) this.log(line);
    for (const w of report.warnings) this.warnLine(w);
    this.note(summarizeFindings(report));
    return result;
  }
}
