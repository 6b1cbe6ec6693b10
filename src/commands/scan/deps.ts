import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { DepsScanResult } from '../../core/scan/deps/scan.js';
import type { ScanDepsResult } from '../../core/scan/types.js';

const FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'github'] as const;

export default class ScanDeps extends BaseCommand<typeof ScanDeps> {
  static override summary = 'Find known-vulnerable dependencies in lockfiles, offline.';
  static override description = `Finds lockfiles under PATH (skipping node_modules, .git and vendored trees) or reads the ones named with --lockfile, and matches every package against the local OSV advisory database (\`circle scan db update\` or \`circle scan db import\`).

Supported: package-lock.json / npm-shrinkwrap.json, yarn.lock (v1 and Berry), pnpm-lock.yaml, bun.lock, requirements*.txt, poetry.lock, Pipfile.lock, uv.lock, Cargo.lock, go.mod, Gemfile.lock, composer.lock.

Exits 1 when a finding is at or above --fail-on (default: the scan.failOn setting). Ignore findings in .circle/scan-ignore.yaml, each with a reason and an expiry date:

  ignore:
    - id: GHSA-xxxx-xxxx-xxxx
      package: lodash        # optional
      reason: not reachable from our code
      expires: 2026-12-31`;
  static override examples = [
    '<%= config.bin %> scan deps',
    '<%= config.bin %> scan deps ./services --fail-on high',
    '<%= config.bin %> scan deps --lockfile package-lock.json --omit dev',
    '<%= config.bin %> scan deps --format sarif --output deps.sarif',
    '<%= config.bin %> scan deps --format github',
    '<%= config.bin %> scan deps --format cyclonedx --output sbom.cdx.json',
  ];
  static override args = {
    path: Args.string({ description: 'Project or monorepo root to search for lockfiles.', default: '.' }),
  };
  static override flags = {
    lockfile: Flags.string({ char: 'l', description: 'Scan only this lockfile (repeatable); skips discovery.', multiple: true }),
    format: Flags.string({ char: 'f', description: 'Output format.', options: [...FORMATS], default: 'table' }),
    output: Flags.string({ char: 'o', description: 'Write the report to this file instead of stdout.' }),
    'fail-on': Flags.string({ description: 'Exit 1 when a finding is at or above this severity (default: scan.failOn).', options: ['low', 'moderate', 'high', 'critical'] }),
    omit: Flags.string({ description: 'Leave out dependency types.', options: ['dev'], multiple: true }),
    'ignore-file': Flags.string({ description: 'Ignore file to use instead of PATH/.circle/scan-ignore.yaml.' }),
  };

  async run(): Promise<ScanDepsResult> {
    const { args, flags } = await this.parse(ScanDeps);
    const path = await import('node:path');
    const { existsSync } = await import('node:fs');
    const { CircleError } = await import('../../core/errors.js');
    const root = path.resolve(args.path);
    if (!existsSync(root)) throw new CircleError('NOT_FOUND', `No such directory: ${args.path}`);
    const settings = await this.settings({ flags: { 'scan.failOn': flags['fail-on'] } });
    const failOn = settings.values['scan.failOn'];
    const maxAgeDays = settings.values['scan.db.maxAgeDays'];

    const { OsvIndex } = await import('../../core/scan/osv/store.js');
    const { migrationNote } = await import('../../cli/scan/index-notes.js');
    const index = await OsvIndex.open(await this.cacheDir(), { onMigrate: (from) => this.note(migrationNote(from)) });
    if (!index) {
      throw new CircleError('NOT_FOUND', 'No advisory database yet', { hint: 'Run `circle scan db update`, or `circle scan db import PATH` with OSV JSON files or all.zip archives.' });
    }
    const ageDays = (Date.now() - Date.parse(index.meta.createdAt)) / 86_400_000;
    if (maxAgeDays > 0 && ageDays > maxAgeDays) {
      this.warnLine(`The advisory database is ${Math.floor(ageDays)} days old (limit scan.db.maxAgeDays = ${maxAgeDays}); run \`circle scan db update\`.`);
    }
    const { loadIgnoreRules } = await import('../../core/scan/deps/ignore.js');
    const ignore = await loadIgnoreRules(root, flags['ignore-file'] ? path.resolve(flags['ignore-file']) : undefined);
    const { scanDependencies, failsThreshold } = await import('../../core/scan/deps/scan.js');
    const progress = this.progress('Scanning dependencies');
    let result: DepsScanResult;
    try {
      result = await scanDependencies({
        root,
        ...(flags.lockfile ? { lockfiles: flags.lockfile } : {}),
        index,
        omitDev: flags.omit?.includes('dev') ?? false,
        ignore,
        onProgress: (text) => progress.update(text),
      });
      progress.stop();
    } catch (error) {
      progress.fail();
      throw error;
    } finally {
      index.close();
    }
    for (const w of result.warnings) this.warnLine(w);
    const failed = failsThreshold(result, failOn);
    if (failed) this.exitCode = 1;

    const { inventory: _inventory, ...plain } = result;
    const summary: ScanDepsResult = { ...plain, failOn, failed, database: { advisories: index.meta.advisories, createdAt: index.meta.createdAt, ageDays: Math.round(ageDays * 10) / 10 } };
    if (!this.jsonEnabled()) await this.emit(result, summary, flags.format as (typeof FORMATS)[number], flags.output);
    return summary;
  }

  private async emit(result: DepsScanResult, summary: ScanDepsResult, format: (typeof FORMATS)[number], output: string | undefined): Promise<void> {
    let text: string;
    const tool = { name: 'circle', version: this.config.version, informationUri: 'https://github.com/circle-core/circle-core' };
    if (format === 'table') {
      const { renderDepsTable } = await import('../../cli/scan/deps-table.js');
      text = renderDepsTable(result, output === undefined && this.io.out.colour);
    } else if (format === 'json') {
      text = JSON.stringify(summary, null, 2);
    } else if (format === 'cyclonedx') {
      const { toCycloneDx } = await import('../../core/scan/deps/cyclonedx.js');
      text = JSON.stringify(toCycloneDx(result, tool), null, 2);
    } else {
      const { toScanReport } = await import('../../core/scan/deps/report.js');
      const report = toScanReport(result);
      const { toSarif, toGithubAnnotations } = await import('../../core/scan/report/index.js');
      text = format === 'sarif' ? JSON.stringify(toSarif(report, tool), null, 2) : toGithubAnnotations(report).trimEnd();
    }
    if (output) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(output, `${text}\n`);
      this.note(`Wrote ${format} report to ${output}`);
    } else if (text !== '') {
      this.log(text);
    }
  }
}
