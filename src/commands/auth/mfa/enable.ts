import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CircleError } from '../../../core/errors.js';
import type { AuthMfaEnableResult } from '../../../core/auth/types.js';

export default class AuthMfaEnable extends BaseCommand<typeof AuthMfaEnable> {
  static override summary = 'Turn on authenticator-app MFA (TOTP) for your account.';
  static override description =
    'Interactively: shows an otpauth:// URI and a QR code, asks for a code to confirm, then prints single-use recovery codes once. Unattended: the first run prints the URI and leaves the enrolment pending; `--code` confirms it. RFC 6238: SHA-1, 6 digits, 30 s, ±1 step.';
  static override examples = ['<%= config.bin %> auth mfa enable', '<%= config.bin %> auth mfa enable --json', '<%= config.bin %> auth mfa enable --code 123456'];
  static override flags = {
    code: Flags.string({ description: 'Confirm a pending enrolment with the current code from the app.' }),
  };

  async run(): Promise<AuthMfaEnableResult> {
    const { flags } = await this.parse(AuthMfaEnable);
    const mfa = await import('../../../core/auth/mfa.js');
    const ctx = await (await this.circle()).unlock();
    const printCodes = (codes: string[]) => {
      if (this.jsonEnabled()) return;
      this.note('MFA is on. Recovery codes (each works once; store them offline, they are not shown again):');
      this.log(codes.join('\n'));
    };
    if (flags.code) {
      const { recoveryCodes } = await mfa.confirmMfaEnrolment(ctx, flags.code);
      printCodes(recoveryCodes);
      return { status: 'enabled', recoveryCodes };
    }
    const enrolment = await mfa.beginMfaEnrolment(ctx);
    if (!this.canPrompt()) {
      if (!this.jsonEnabled()) this.log(enrolment.uri);
      this.note('Add this URI to your authenticator app, then confirm with `circle auth mfa enable --code CODE`.');
      return { status: 'pending', otpauthUri: enrolment.uri };
    }
    const prompts = await import('../../../cli/prompts.js');
    this.io.err.write(`Scan this with your authenticator app:\n${await prompts.terminalQr(enrolment.uri, this.io.err.colour)}\nOr enter the key manually: ${enrolment.secret}\n\n`);
    for (let attempt = 1; ; attempt++) {
      try {
        const { recoveryCodes } = await mfa.confirmMfaEnrolment(ctx, await prompts.promptCode('Code from the app'));
        printCodes(recoveryCodes);
        return { status: 'enabled', recoveryCodes };
      } catch (error) {
        if (attempt >= 3 || !(error instanceof CircleError) || error.code !== 'AUTH_FAILED') throw error;
        this.warnLine('That code did not match; try the current one.');
      }
    }
  }
}
