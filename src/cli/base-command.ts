import { Command, Flags, type Interfaces } from '@oclif/core';
import { CircleError, ExitCode, isCircleError, type CircleErrorJson } from '../core/errors.js';
import { ensureHome, resolveCacheDir, resolveHome, type HomeLocation } from '../core/home/paths.js';
import { renderError, toCircleError, usageErrorFromParse } from './errors.js';
import type { ConfigSources, ResolvedConfig } from '../core/config/resolve.js';
import { setDefaultLockTimeout } from '../core/home/lock.js';
import { startProgress, type Progress } from './progress.js';

// oclif's parser constraints, which it does not export by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlagOutput = { [name: string]: any };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArgOutput = { [name: string]: any };
type Input<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput> = Interfaces.Input<F, B, A>;
type ParserOutput<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput> = Interfaces.ParserOutput<F, B, A>;

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * What every `circle` command shares: global flags, the home directory, prompting
 * rules, progress on a TTY, and the one place errors become exit codes (DESIGN.md §5).
 * Subclasses parse their own flags, call core, and return a plain-data result,
 * which `--json` prints as the JSON document.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    home: Flags.string({
      description: 'State directory (default: $CIRCLE_HOME, else the platform config dir).',
      helpGroup: 'GLOBAL',
    }),
    'no-input': Flags.boolean({
      description: 'Never prompt; fail with a usage error naming the flag to pass instead.',
      helpGroup: 'GLOBAL',
    }),
    quiet: Flags.boolean({
      char: 'q',
      description: 'Print only results: no notes or progress on stderr.',
      helpGroup: 'GLOBAL',
    }),
    'no-color': Flags.boolean({
      description: 'Disable colour (NO_COLOR is honoured too).',
      helpGroup: 'GLOBAL',
    }),
  };

  /** Set to a non-zero exit code by a check that ran and failed; the result is still printed. */
  protected exitCode: number = ExitCode.ok;
  protected globalFlags!: BaseFlags<T>;
  private homeLocation: HomeLocation | undefined;

  public override async init(): Promise<void> {
    await super.init();
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.globalFlags = flags as BaseFlags<T>;
  }

  /**
   * Two oclif defaults that are wrong for a security tool, turned off for every
   * command: a missing positional argument is filled from piped stdin (a password
   * piped for --password-stdin would land in an argument and be echoed back), and
   * a repeatable flag swallows the next positional argument (`-i key.txt file.age`).
   * circle reads stdin only where a flag says so.
   */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const input = (options ?? this.ctor) as Input<F, B, A>;
    const args = Object.fromEntries(Object.entries(input.args ?? {}).map(([name, arg]) => [name, { ...arg, ignoreStdin: true }]));
    const flags = Object.fromEntries(
      Object.entries(input.flags ?? {}).map(([name, flag]) => [name, flag.type === 'option' && flag.multiple ? { ...flag, multipleNonGreedy: true } : flag]),
    );
    // A command class keeps baseFlags, enableJsonFlag and strict as inherited statics, which a spread would drop.
    const { baseFlags, enableJsonFlag, strict } = input as Input<F, B, A> & { enableJsonFlag?: boolean };
    // Whatever the parser rejects is a usage error (exit 2), whichever oclif error class it used.
    return super.parse({ ...input, baseFlags, enableJsonFlag, strict, args, flags } as Input<F, B, A>, argv).catch((error: unknown) => {
      this.parsed = true; // it did parse, and the input was wrong: no "forgot to call this.parse" warning
      throw usageErrorFromParse(error, this.id);
    });
  }

  /** The resolved state directory, created 0700 or checked safe on first use. */
  protected async home(): Promise<HomeLocation> {
    if (!this.homeLocation) {
      const location = resolveHome(this.globalFlags.home);
      await ensureHome(location.dir);
      this.homeLocation = location;
    }
    return this.homeLocation;
  }

  protected async cacheDir(): Promise<string> {
    return resolveCacheDir(await this.home());
  }

  /**
   * The layered configuration (defaults < user < project < project env section <
   * CIRCLE_* < flags). Commands pass the flags that override config keys.
   */
  protected async settings(options: { environment?: string; flags?: ConfigSources['flags'] } = {}): Promise<ResolvedConfig> {
    const { resolveConfig } = await import('../core/config/resolve.js');
    const resolved = await resolveConfig({ homeDir: (await this.home()).dir, ...options });
    setDefaultLockTimeout(resolved.values['lock.timeoutMs']);
    return resolved;
  }

  /** True only when a person can answer: TTYs on stdin and stderr, no --json, no --no-input, not CI. */
  protected canPrompt(): boolean {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !this.jsonEnabled() && !this.globalFlags['no-input'] && !isCI();
  }

  /**
   * A spinner on stderr when a person is watching; a silent no-op otherwise. A terminal
   * that reports no width (a pty never sized, as under `docker run -t`) gets none: the
   * spinner counts wrapped lines against the width to redraw, and floods such a terminal.
   */
  protected progress(text: string): Progress {
    const show = Boolean(process.stderr.isTTY && process.stderr.columns > 0) && !this.jsonEnabled() && !this.globalFlags.quiet && !isCI();
    return startProgress(text, show);
  }

  /** A line for people on stderr, so stdout keeps only data. */
  protected note(text: string): void {
    if (!this.jsonEnabled() && !this.globalFlags.quiet) process.stderr.write(`${text}\n`);
  }

  protected warnLine(text: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${colorize('yellow', 'Warning:')} ${text}\n`);
  }

  /** All of stdin (for `--password-stdin` and friends); refuses to wait on an interactive terminal. */
  protected async readStdin(): Promise<string> {
    if (process.stdin.isTTY) {
      throw new CircleError('INPUT_REQUIRED', 'Expected input on stdin, but stdin is a terminal', {
        hint: 'Pipe the value in, for example: printf %s "$VALUE" | circle …',
      });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const circleError = toCircleError(error);
    process.exitCode = circleError.exitCode;
    if (this.jsonEnabled()) {
      this.logJson({ error: circleError.toJSON() satisfies CircleErrorJson });
    } else {
      process.stderr.write(renderError(circleError, error));
    }
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    if (!error && this.exitCode !== ExitCode.ok) process.exitCode = this.exitCode;
    await super.finally(error);
  }

  /** JSON on stdout is plain, never coloured: it is for machines. */
  public override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

const ansi = { red: 31, yellow: 33, dim: 2, bold: 1, green: 32 } as const;

/** Minimal ANSI colouring so start-up need not load chalk; off unless stderr is a TTY and colour is allowed. */
export function colorize(color: keyof typeof ansi, text: string): string {
  if (!process.stderr.isTTY || process.env.FORCE_COLOR === '0' || process.env.NO_COLOR !== undefined) return text;
  return `\u001B[${ansi[color]}m${text}\u001B[0m`;
}

export { isCircleError };
