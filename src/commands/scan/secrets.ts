import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import type { ScanSecretsResult } from '../../core/scan/types.js';

export default class ScanSecrets extends BaseCommand<typeof ScanSecrets> {
  static override summary = 'Find leaked credentials in a directory, staged changes, git history or stdin.';
  static override description = [
    'Runs 100+ provider rules (cloud keys, tokens, private keys, passwords in URLs) plus a generic high-entropy rule.',
    'Secrets are redacted in every output unless --reveal is given. Exits 1 when anything is found.',
    'Project settings (custom rules, disabled rules, allowlists) live in .circle/scan-secrets.yaml;',
    'a line containing "circle:allow" is never reported.',
  ].join('\n');

  static override examples = [
    '<%= config.bin %> scan secrets',
    '<%= config.bin %> scan secrets src --format sarif > secrets.sarif',
    '<%= config.bin %> scan secrets --staged',
    '<%= config.bin %> scan secrets --git --since v1.0.0 --format github',
    'cat .env | <%= config.bin %> scan secrets --stdin',
    '<%= config.bin %> scan secrets --write-baseline .circle/secrets-baseline.json',
    '<%= config.bin %> scan secrets --baseline .circle/secrets-baseline.json',
  ];

  static override args = {
    path: Args.string({ description: 'Directory to scan (default: the current directory).', required: false }),
  };

  static override flags = {
    staged: Flags.boolean({ description: 'Scan only what the next commit would add (git diff --cached).', exclusive: ['git', 'stdin'] }),
    git: Flags.boolean({ description: 'Scan every line added in git history (git log -p).', exclusive: ['staged', 'stdin'] }),
    since: Flags.string({ description: 'With --git: only commits after this revision.', dependsOn: ['git'] }),
    stdin: Flags.boolean({ description: 'Scan text read from stdin.', exclusive: ['staged', 'git'] }),
    format: Flags.string({ description: 'Output format on stdout.', options: ['text', 'json', 'sarif', 'github'], default: 'text' }),
    reveal: Flags.boolean({ description: 'Show secrets unredacted (never in CI logs!).' }),
    baseline: Flags.string({ description: 'Report only findings not listed in this baseline file.' }),
    'write-baseline': Flags.string({ description: 'Write every current finding to this baseline file and exit 0.' }),
    config: Flags.string({ description: 'Config file (default: .circle/scan-secrets.yaml under the scan root).' }),
    gitignore: Flags.boolean({ description: 'Respect .gitignore files in directory scans.', default: true, allowNo: true }),
    'max-file-size': Flags.integer({ description: 'Skip files larger than this many bytes (default: the scan.secrets.maxFileSizeKiB setting, 1024 KiB).', min: 1 }),
  };

  async run(): Promise<ScanSecretsResult> {
    const { args, flags } = await this.parse(ScanSecrets);
    const { resolve } = await import('node:path');
    const { stat } = await import('node:fs/promises');
    const core = await import('../../core/scan/secrets/index.js');
    const { toJsonReport } = await import('../../core/scan/report/json.js');

    const source = flags.staged ? 'staged' : flags.git ? 'git' : flags.stdin || args.path === '-' ? 'stdin' : 'tree';
    let root = resolve(args.path !== undefined && args.path !== '-' ? args.path : '.');
    if (source === 'tree') {
      const st = await stat(root).catch(() => undefined);
      if (st === undefined) throw new CircleError('NOT_FOUND', `No such directory: ${root}`);
      if (!st.isDirectory()) throw new CircleError('USAGE', `${root} is not a directory`, { hint: 'Pass a directory, or pipe a file with --stdin.' });
    }
    if (source === 'staged' || source === 'git') root = await core.gitTopLevel(root);
    const { config } = await core.loadScanSecretsConfig(root, flags.config === undefined ? undefined : resolve(flags.config));
    const baseline = flags.baseline === undefined ? undefined : await core.readBaseline(resolve(flags.baseline));
    const stdinText = source === 'stdin' ? await this.readStdin() : undefined;

    const policies = await (await this.circle()).policies();
    const spinner = this.progress(`Scanning for secrets (${source})`);
    let report;
    try {
      report = await core.scanSecrets({
        root,
        source,
        ...(flags.since === undefined ? {} : { since: flags.since }),
        ...(stdinText === undefined ? {} : { stdinText }),
        config,
        gitignore: flags.gitignore,
        ...(flags['max-file-size'] === undefined ? {} : { maxFileSize: flags['max-file-size'] }),
        defaultMaxFileSize: policies.scan.secrets.maxFileSizeBytes,
        ...(baseline === undefined ? {} : { baseline }),
        reveal: flags.reveal,
        onProgress: (p) => spinner.update(`Scanning for secrets: ${p.files} files, ${(p.bytes / 1e6).toFixed(1)} MB, ${p.findings} found`),
      });
    } catch (error) {
      spinner.fail();
      throw error;
    }
    spinner.stop();

    const result: ScanSecretsResult = toJsonReport(report);
    if (flags['write-baseline'] !== undefined) {
      const file = resolve(flags['write-baseline']);
      await core.writeBaseline(file, report.findings);
      result.baselineWritten = file;
      this.note(`Wrote ${report.findings.length} finding(s) to baseline ${file}`);
      return result;
    }
    if (report.findings.length > 0) this.exitCode = 1;
    if (this.jsonEnabled()) return result;

    const { machineReport } = await import('../../cli/scan/report-output.js');
    const machine = await machineReport(flags.format, report, result, { name: 'circle-scan-secrets', version: this.config.version });
    if (machine !== undefined) {
      this.writeOut(machine);
      return result;
    }
    const { renderSecretsText, summarizeSecrets } = await import('../../cli/scan/secrets-render.js');
    for (const line of renderSecretsText(report)) this.log(line);
    for (const w of report.warnings) this.warnLine(w);
    this.note(summarizeSecrets(report));
    if (report.findings.length > 0 && !flags.reveal) this.note('Secrets are redacted; fix them, mark a false positive with a "circle:allow" comment, or record them with --write-baseline.');
    return result;
  }
}
