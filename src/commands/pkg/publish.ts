import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgPublishResult } from '../../core/pkg/types.js';

export type { PkgPublishResult };

export default class PkgPublish extends BaseCommand<typeof PkgPublish> {
  static override summary = 'Pack, scan, sign and publish a package (maintainer).';
  static override description = `Packs DIR (or takes a .tgz), checks it like an install would, scans the files that would be published for secrets and any lockfile inside for vulnerable dependencies, signs \${name}@\${version}:\${integrity} with the vault's publisher key, uploads the tarball create-only and adds the version to the registry's packument by compare-and-swap.

Refuses (exit 1) at pkg.publish.failOn: any secret, or a vulnerability at or above that severity (default critical); findings are listed redacted. Publishing a version that exists exits 6. Needs a publisher key (\`circle pkg keys create\`).`;
  static override examples = [
    '<%= config.bin %> pkg publish',
    '<%= config.bin %> pkg publish ./packages/util --tag next',
    '<%= config.bin %> pkg publish acme-util-1.2.0.tgz --registry s3://acme-packages/registry',
    '<%= config.bin %> pkg publish --dry-run --json',
  ];
  static override args = { source: Args.string({ description: 'Package folder or .tgz.', default: '.' }) };
  static override flags = {
    registry: registryFlag,
    tag: Flags.string({ description: 'dist-tag to point at this version.', default: 'latest' }),
    'dry-run': Flags.boolean({ description: 'Run every check and show what would be published; upload nothing.' }),
  };

  async run(): Promise<PkgPublishResult> {
    const { args, flags } = await this.parse(PkgPublish);
    const home = (await this.home()).dir;
    const config = await this.settings();
    const ctx = await (await this.circle()).unlock();
    const { openRegistries } = await import('../../cli/pkg.js');
    const { publishPackage } = await import('../../core/pkg/publish.js');
    const { OsvIndex } = await import('../../core/scan/osv/store.js');
    const registries = await openRegistries(home, config, flags.registry);
    const failOn = config.values['pkg.publish.failOn'];
    const advisories = failOn === 'none' ? undefined : await OsvIndex.open(await this.cacheDir()).catch(() => undefined);
    const progress = this.progress('Packing, scanning and signing');
    let result: PkgPublishResult;
    try {
      const { readManifest } = await import('../../core/pkg/manifest.js');
      const name = /\.(tgz|tar\.gz)$/.test(args.source) ? undefined : (await readManifest(args.source)).name;
      result = await publishPackage({
        ctx,
        registry: name ? registries.forName(name) : registries.defaultRegistry,
        source: args.source,
        tag: flags.tag,
        dryRun: flags['dry-run'],
        failOn,
        ...(advisories ? { advisories } : {}),
        warn: (t) => this.warnLine(t),
      });
    } finally {
      progress.stop();
      advisories?.close();
    }
    if (result.findings.length > 0) {
      this.exitCode = 1;
      if (!this.jsonEnabled()) {
        this.warnLine(`${result.name}@${result.version} was not published: ${result.findings.length} finding(s) at pkg.publish.failOn`);
        for (const f of result.findings) this.log(`${f.kind.padEnd(13)} ${f.severity.padEnd(8)} ${f.location ?? ''}  ${f.message}`);
      }
      return result;
    }
    if (!this.jsonEnabled()) {
      this.note(`${result.files} files, ${result.unpackedSize} bytes; integrity ${result.integrity}; signed by ${result.keyid}`);
      this.log(`${result.dryRun ? 'Would publish' : 'Published'} ${result.name}@${result.version} (${result.tag}) to ${result.registry}`);
    }
    return result;
  }
}
