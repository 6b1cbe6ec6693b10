import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { CircleError } from '../core/errors.js';
import type { InitResult } from '../core/vault/types.js';

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Create the encrypted vault and its first admin.';
  static override description =
    'Creates the home vault (a random 256-bit root key, wrapped under the admin password with Argon2id), the first admin user and, unless --no-mfa, enrols an authenticator app (TOTP) and prints single-use recovery codes once. Interactive by default; with --admin, --password-stdin and --yes it runs unattended. Refuses, changing nothing, when a vault already exists.';
  static override examples = [
    '<%= config.bin %> init',
    'printf "%s\\n" "$ADMIN_PASSWORD" | <%= config.bin %> init --admin alice --password-stdin --no-mfa --yes',
  ];
  static override flags = {
    admin: Flags.string({ description: 'Name of the first admin user (lowercase letters, digits, . _ -).' }),
    'password-stdin': Flags.boolean({ description: "Read the admin's password from the first line of stdin." }),
    'no-mfa': Flags.boolean({ description: 'Skip authenticator enrolment (enable it later with `circle auth mfa enable`).' }),
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const home = (await this.home()).dir;
    const { vaultExists, initVault } = await import('../core/vault/init.js');
    if (await vaultExists(home)) {
      throw new CircleError('ALREADY_EXISTS', `A vault already exists in ${home}`, { hint: 'Nothing was changed. Log in with `circle auth login`.' });
    }
    const interactive = this.canPrompt();
    const prompts = interactive ? await import('../cli/prompts.js') : undefined;
    const { authPolicies, splitPasswordStdin } = await import('../cli/unlock.js');
    const config = await this.settings();
    const policies = authPolicies(config);
    const { checkPassword } = await import('../core/auth/password-policy.js');

    let admin = flags.admin;
    if (!admin) {
      if (!prompts) throw new CircleError('INPUT_REQUIRED', 'The admin user name is required', { hint: 'Pass --admin NAME.' });
      const { userInfo } = await import('node:os');
      admin = (await prompts.promptText('Admin user name', userInfo().username.toLowerCase())).trim();
    }
    let password: string;
    if (flags['password-stdin']) password = splitPasswordStdin(await this.readStdin()).password;
    else if (prompts) password = await prompts.promptNewPassword((p) => checkPassword(p, admin, policies.password), `Password for ${admin}`);
    else throw new CircleError('INPUT_REQUIRED', 'The admin password is required', { hint: 'Pass --password-stdin and pipe it in.' });
    checkPassword(password, admin, policies.password);

    if (!flags.yes) {
      if (!prompts) throw new CircleError('INPUT_REQUIRED', 'Confirmation required to create the vault', { hint: 'Pass --yes.' });
      if (!(await prompts.promptConfirm(`Create a vault in ${home} with admin "${admin}"?`, true))) {
        throw new CircleError('USAGE', 'Cancelled; nothing was created');
      }
    }
    const { ctx, vaultId } = await initVault(home, { admin, password, audit: (await this.circle()).audit, passwordPolicy: policies.password });
    this.note(`Created the vault in ${home} with admin "${admin}".`);
    const result: InitResult = { home, vaultId, admin, mfa: 'off' };
    let enrol = !flags['no-mfa'];
    if (enrol && prompts) enrol = await prompts.promptConfirm('Enrol an authenticator app (TOTP) now? (recommended)', true);
    if (!enrol) {
      this.note('MFA is off. Turn it on any time with `circle auth mfa enable`.');
      return result;
    }
    const { beginMfaEnrolment, confirmMfaEnrolment } = await import('../core/auth/mfa.js');
    const enrolment = await beginMfaEnrolment(ctx);
    if (!prompts) {
      // Unattended: show the URI once and leave the enrolment pending until a code confirms it.
      if (!this.jsonEnabled()) this.log(enrolment.uri);
      this.note('Add the otpauth:// URI above to your authenticator, then run `circle auth login` and `circle auth mfa enable --code CODE`.');
      return { ...result, mfa: 'pending', otpauthUri: enrolment.uri };
    }
    this.io.err.write(`\nScan this with your authenticator app:\n${await prompts.terminalQr(enrolment.uri, this.io.err.colour)}\nOr enter the key manually: ${enrolment.secret}\n\n`);
    for (let attempt = 1; ; attempt++) {
      try {
        const { recoveryCodes } = await confirmMfaEnrolment(ctx, await prompts.promptCode('Code from the app'));
        this.note('\nRecovery codes (each works once; store them offline — they are not shown again):');
        this.log(recoveryCodes.join('\n'));
        return { ...result, mfa: 'enabled', recoveryCodes };
      } catch (error) {
        if (attempt >= 3 || !(error instanceof CircleError) || error.code !== 'AUTH_FAILED') throw error;
        this.warnLine('That code did not match; try the current one.');
      }
    }
  }
}
