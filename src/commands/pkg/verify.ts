import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { registryFlag } from '../../cli/pkg.js';
import type { PkgVerifyResult } from '../../core/pkg/types.js';

export type { PkgVerifyResult };

export default class PkgVerify extends BaseCommand<typeof PkgVerify> {
  static override summary = 'Re-check installed packages against the lockfile and the registry.';
  static override description =
    'For every package in .circle/pkg-lock.json: the registry still has that version with the locked integrity, the tarball matches it, a trusted unrevoked key signed it, it is not yanked, and the files in node_modules are exactly the tarball\'s. Deprecated versions are reported. Exits 1 on any failure, like `npm audit signatures`.';
  static override examples = ['<%= config.bin %> pkg verify', '<%= config.bin %> pkg verify --json'];
  static override flags = {
    registry: registryFlag,
    dir: Flags.string({ description: 'Project folder.', default: '.' }),
  };

  async run(): Promise<PkgVerifyResult> {
    const { flags } = await this.parse(PkgVerify);
    const home = (await this.home()).dir;
    const config = await this.settings();
    const ctx = await (await this.circle()).unlock();
    const { openRegistries, signaturePolicy } = await import('../../cli/pkg.js');
    const { verifyInstalled } = await import('../../core/pkg/verify.js');
    const { trustedKeys } = await import('../../core/pkg/keystore.js');
    const path = await import('node:path');
    const result = await verifyInstalled({
      ctx,
      projectDir: path.resolve(flags.dir),
      registries: await openRegistries(home, config, flags.registry),
      signatures: signaturePolicy(config),
      trusted: await trustedKeys(ctx),
    });
    if (!result.ok) this.exitCode = 1;
    if (!this.jsonEnabled()) {
      for (const p of result.problems) this.log(`${p.problem.padEnd(15)} ${p.location}  ${p.message}`);
      this.note(`${result.verified} package(s) verified${result.ok ? '' : `; ${result.problems.filter((p) => p.problem !== 'deprecated').length} problem(s)`}`);
    }
    return result;
  }
}
