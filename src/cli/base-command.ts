import { format, inspect } from 'node:util';
import { Command, Flags, type Interfaces } from '@oclif/core';
import { CircleError, ExitCode, isCircleError, type CircleErrorJson } from '../core/errors.js';
import { ensureHome, resolveCacheDir, resolveHome, type HomeLocation } from '../core/home/paths.js';
import { renderError, toCircleError, usageErrorFromParse } from './errors.js';
import type { ConfigSources, ResolvedConfig } from '../core/config/resolve.js';
import type { Circle } from '../core/context/circle.js';
import { runWithLockScope } from '../core/home/lock.js';
import type { Progress } from './progress.js';
import { commandStreams, createIo, isCI, paint, type Colour, type Io } from './io.js';

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
  private ioInstance: Io | undefined;
  private circleInstance: Promise<Circle> | undefined;
  /** This invocation's lock timeout: set from the settings once resolved, read by every lock taken meanwhile. */
  private readonly lockScope: { timeoutMs: number | undefined } = { timeoutMs: undefined };

  /** Runs the whole command (init, run, catch, finally) inside this invocation's lock scope. */
  protected override _run<R>(): Promise<R> {
    return runWithLockScope(this.lockScope, () => super._run<R>());
  }

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
    this.ioInstance = this.buildIo();
  }

  /** The command's streams, colour per stream, prompting and progress (src/cli/io.ts). */
  protected get io(): Io {
    // Before init has parsed the global flags (an error while parsing), build one without caching it.
    return this.ioInstance ?? this.buildIo();
  }

  private buildIo(): Io {
    const streams = commandStreams();
    const flags = this.globalFlags as BaseFlags<T> | undefined;
    return createIo(
      { env: streams.env ?? process.env, json: this.jsonEnabled(), quiet: Boolean(flags?.quiet), noInput: Boolean(flags?.['no-input']), noColor: Boolean(flags?.['no-color']) },
      streams,
    );
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
   * This invocation's Circle (src/core/context): settings, policies, audit sink,
   * state store and unlock. Built once, on first use.
   */
  protected circle(): Promise<Circle> {
    // The promise is kept, so calls that overlap still share one Circle (one unlock).
    this.circleInstance ??= (async () => {
      const { createCircle } = await import('../core/context/index.js');
      const home = (await this.home()).dir;
      // Core's warnings go to stderr (never into --json on stdout).
      return createCircle({ home, lockScope: this.lockScope, onWarning: (message) => this.io.err.write(`Warning: ${message}\n`) });
    })();
    this.circleInstance.catch(() => (this.circleInstance = undefined));
    return this.circleInstance;
  }

  /**
   * The layered configuration (defaults < user < project < project env section <
   * CIRCLE_* < flags). Commands pass the flags that override config keys.
   */
  protected async settings(options: { environment?: string; flags?: ConfigSources['flags'] } = {}): Promise<ResolvedConfig> {
    return (await this.circle()).settings(options);
  }

  /** True only when a person can answer: TTYs on stdin and stderr, no --json, no --no-input, not CI. */
  protected canPrompt(): boolean {
    return this.io.canPrompt;
  }

  /** A spinner on stderr when a person is watching; a silent no-op otherwise. */
  protected progress(text: string): Progress {
    return this.io.progress(text);
  }

  /** A line of data on stdout. */
  public override log(message = '', ...args: unknown[]): void {
    // As oclif's: nothing under --json, and the same formatting, so output stays byte-identical.
    if (this.jsonEnabled()) return;
    this.io.out.write(`${format(typeof message === 'string' ? message : inspect(message), ...args)}\n`);
  }

  /** Text written to stdout exactly as given (a value, a file's contents, a stream of lines). */
  protected writeOut(text: string): void {
    this.io.out.write(text);
  }

  /** Colour for stdout text, only when stdout is a terminal that allows it. */
  protected paintOut(colour: Colour, text: string): string {
    return paint(this.io.out, colour, text);
  }

  /** Colour for stderr text, only when stderr is a terminal that allows it. */
  protected paintErr(colour: Colour, text: string): string {
    return paint(this.io.err, colour, text);
  }

  /** A line for people on stderr, so stdout keeps only data. */
  protected note(text: string): void {
    if (!this.jsonEnabled() && !this.globalFlags.quiet) this.io.err.write(`${text}\n`);
  }

  protected warnLine(text: string): void {
    if (!this.jsonEnabled()) this.io.err.write(`${this.paintErr('yellow', 'Warning:')} ${text}\n`);
  }

  /** All of stdin (for `--password-stdin` and friends); refuses to wait on an interactive terminal. */
  protected async readStdin(): Promise<string> {
    if (this.io.in.isTTY) {
      throw new CircleError('INPUT_REQUIRED', 'Expected input on stdin, but stdin is a terminal', {
        hint: 'Pipe the value in, for example: printf %s "$VALUE" | circle …',
      });
    }
    return this.io.in.readAll();
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const circleError = toCircleError(error);
    process.exitCode = circleError.exitCode;
    if (this.jsonEnabled()) {
      this.logJson({ error: circleError.toJSON() satisfies CircleErrorJson });
    } else {
      this.io.err.write(renderError(circleError, error, this.io.err.colour));
    }
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    if (!error && this.exitCode !== ExitCode.ok) process.exitCode = this.exitCode;
    await super.finally(error);
  }

  /** JSON on stdout is plain, never coloured: it is for machines. */
  public override logJson(json: unknown): void {
    this.io.out.write(`${JSON.stringify(json, null, 2)}\n`);
  }
}

export { isCI };

export { isCircleError };
