import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CircleError } from '../../core/errors.js';
import type { AuthLoginResult } from '../../core/auth/types.js';

export default class AuthLogin extends BaseCommand<typeof AuthLogin> {
  static override summary = 'Log in and open a session.';
  static override description =
    'Checks the password (Argon2id) and, when MFA is on, an authenticator code or a single-use recovery code, then opens a session: the root key encrypted under a random secret, with idle and absolute expiry. The token is printed as `export CIRCLE_SESSION=…` on stdout and kept in a 0600 file for later commands. Repeated failures lock the account (auth.lockout.*).';
  static override examples = [
    '<%= config.bin %> auth login alice',
    'eval "$(printf "%s\\n%s\\n" "$PASSWORD" "$CODE" | <%= config.bin %> auth login --user alice --password-stdin)"',
    'eval "$(printf "%s\\n" "$PASSWORD" | <%= config.bin %> auth login --user alice --password-stdin --totp 123456)"',
    'printf "%s\\n%s\\n" "$PASSWORD" "$RECOVERY_CODE" | <%= config.bin %> auth login --user alice --password-stdin',
  ];
  static override args = {
    user: Args.string({ description: 'User name (the same as --user).' }),
  };
  static override flags = {
    user: Flags.string({ char: 'u', description: 'User name (default: $CIRCLE_USER, or the only user).' }),
    'password-stdin': Flags.boolean({ description: 'Read the password from the first line of stdin; a second line, if any, is the TOTP or recovery code.' }),
    totp: Flags.string({
      description: 'The current authenticator code (6 digits). It is on the command line, where other local users can read it while circle runs (it is single-use and expires in 30 s); prefer the second line of --password-stdin.',
    }),
  };

  async run(): Promise<AuthLoginResult> {
    const { args, flags } = await this.parse(AuthLogin);
    if (args.user && flags.user && args.user !== flags.user) {
      throw new CircleError('USAGE', `Two different users given: ${args.user} and --user ${flags.user}`, { hint: 'Name the user once.' });
    }
    const home = (await this.home()).dir;
    const { authPolicies, splitPasswordStdin, resolveLoginUser } = await import('../../cli/unlock.js');
    const config = await this.settings();
    const policies = authPolicies(config);
    const interactive = this.canPrompt();
    const user = await resolveLoginUser(home, args.user ?? flags.user, interactive);
    let password: string;
    let second = flags.totp;
    if (flags['password-stdin']) {
      const parsed = splitPasswordStdin(await this.readStdin());
      password = parsed.password;
      second ??= parsed.secondLine;
    } else if (interactive) {
      password = await (await import('../../cli/prompts.js')).promptPassword(`Password for ${user}`);
    } else {
      throw new CircleError('INPUT_REQUIRED', 'A password is required', { hint: 'Pass --password-stdin and pipe it in.' });
    }
    const { loginWithPassword } = await import('../../core/auth/login.js');
    const { createSession } = await import('../../core/auth/session.js');
    const login = await loginWithPassword(home, {
      user,
      password,
      audit: (await this.circle()).audit,
      lockout: policies.lockout,
      passwordPolicy: policies.password,
      secondFactor: async () => second ?? (interactive ? (await import('../../cli/prompts.js')).promptCode() : undefined),
    });
    await (await this.circle()).migrate(login.ctx);
    const session = await createSession(login.ctx, policies.session);
    if (!this.jsonEnabled()) {
      this.log(`export CIRCLE_SESSION=${session.token}`);
      this.note(`Logged in as ${user} (${login.ctx.role}); the session ends after ${Math.round(policies.session.idleMs / 60_000)} min idle or at ${session.absoluteExpiresAt}.`);
      this.note('Later commands in this account use it automatically; `eval` the line above to use it in this shell only.');
      if (login.secondFactor === 'recovery-code') this.warnLine(`A recovery code was used; ${login.recoveryCodesLeft} left. Make new ones with \`circle auth mfa recovery-codes\`.`);
      if (login.kdfUpgraded) this.note('Your password hash was upgraded to the current Argon2id parameters.');
    }
    return {
      user,
      role: login.ctx.role,
      token: session.token,
      idleExpiresAt: session.idleExpiresAt,
      absoluteExpiresAt: session.absoluteExpiresAt,
      secondFactor: login.secondFactor,
      recoveryCodesLeft: login.recoveryCodesLeft,
    };
  }
}
