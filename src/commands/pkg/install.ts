import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgInstallResult } from '../../core/pkg/types.js';

export type { PkgInstallResult };

export default class PkgInstall extends BaseCommand<typeof PkgInstall> {
  static override summary = 'Resolve, verify and install packages into node_modules.';
  static override description = `Installs the named packages (NAME, NAME@RANGE, NAME@TAG, or a .tgz file), or without arguments the dependencies of ./package.json that live in the circle registry. Resolves with npm's semver rules (yanked versions skipped unless locked), writes .circle/pkg-lock.json, and checks every tarball (integrity, a signature by a trusted unrevoked key per pkg.signatures, the hostile-archive checks) before writing a single file: a failed check exits 5 with nothing written.`;
  static override examples = [
    '<%= config.bin %> pkg install @acme/util',
    '<%= config.bin %> pkg install @acme/util@^1.2.0 @acme/config@next',
    '<%= config.bin %> pkg install',
    '<%= config.bin %> pkg install --frozen-lockfile',
    '<%= config.bin %> pkg install ./acme-util-1.2.0.tgz',
  ];
  static override strict = false;
  static override args = { spec: Args.string({ description: 'Packages to install (any number).' }) };
  static override flags = {
    registry: registryFlag,
    'frozen-lockfile': Flags.boolean({ description: 'Install exactly what .circle/pkg-lock.json says; fail if it is missing or out of date (for CI).' }),
    dir: Flags.string({ description: 'Project folder.', default: '.' }),
  };

  async run(): Promise<PkgInstallResult> {
    const { argv, flags } = await this.parse(PkgInstall);
    const home = (await this.home()).dir;
    const config = await this.settings();
    const ctx = await (await this.circle()).unlock();
    const { openRegistries, signaturePolicy } = await import('../../cli/pkg.js');
    const { installPackages } = await import('../../core/pkg/install.js');
    const { trustedKeys } = await import('../../core/pkg/keystore.js');
    const path = await import('node:path');
    const progress = this.progress('Resolving and verifying packages');
    let result: PkgInstallResult;
    try {
      result = await installPackages({
        ctx,
        projectDir: path.resolve(flags.dir),
        registries: await openRegistries(home, config, flags.registry),
        specs: argv as string[],
        frozen: flags['frozen-lockfile'],
        signatures: signaturePolicy(config),
        trusted: await trustedKeys(ctx),
        warn: (t) => this.warnLine(t),
      });
    } finally {
      progress.stop();
    }
    if (!this.jsonEnabled()) {
      for (const p of result.installed) this.log(`${p.name}@${p.version}  ${p.location}${p.keyid ? `  signed ${p.keyid}` : ''}`);
      this.note(`${result.installed.length} package(s) installed; lockfile ${result.lockfile}`);
    }
    return result;
  }
}
