import { BaseCommand } from '../cli/base-command.js';
import type { DoctorResult } from '../core/doctor/types.js';

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check the installation and the circle home: Node version, permissions, state files, locks, clock.';
  static override description = 'Changes nothing. Exits 1 when a check fails; each failure says how to fix it.';
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json', 'CIRCLE_HOME=/srv/ci-home <%= config.bin %> doctor'];

  async run(): Promise<DoctorResult> {
    await this.parse(Doctor);
    const { resolveHome } = await import('../core/home/paths.js');
    const { runDoctor } = await import('../core/doctor.js');
    // Inspect the home as it is: doctor must also diagnose a home too unsafe to use.
    const report = await runDoctor(resolveHome(this.globalFlags.home), this.config.version);
    if (!report.ok) this.exitCode = 1;
    if (!this.jsonEnabled()) {
      const mark = { ok: this.paintOut('green', 'ok  '), warn: this.paintOut('yellow', 'warn'), fail: this.paintOut('red', 'FAIL') };
      this.log(`circle ${report.version} on Node.js ${report.node} (${report.platform})`);
      for (const check of report.checks) {
        this.log(`${mark[check.status]}  ${check.message}`);
        if (check.hint && check.status !== 'ok') this.log(`      fix: ${check.hint}`);
      }
    }
    return report;
  }
}
