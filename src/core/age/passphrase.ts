import { CircleError } from '../errors.js';

export interface PassphraseSources {
  env?: NodeJS.ProcessEnv;
  /** `--passphrase-stdin`: only allowed when stdin is not also the data. */
  fromStdin?: boolean;
  stdinIsData?: boolean;
  readStdin: () => Promise<string>;
  /** Asks a person; undefined when nobody can be asked. */
  prompt?: () => Promise<string>;
}

/** The passphrase from, in order: $CIRCLE_PASSPHRASE, stdin (`--passphrase-stdin`), a prompt. */
export async function resolvePassphrase(sources: PassphraseSources): Promise<string> {
  const env = sources.env ?? process.env;
  let pass: string | undefined;
  if (env.CIRCLE_PASSPHRASE !== undefined && env.CIRCLE_PASSPHRASE !== '') pass = env.CIRCLE_PASSPHRASE;
  else if (sources.fromStdin) {
    if (sources.stdinIsData) throw new CircleError('USAGE', '--passphrase-stdin needs the input as a file argument, since stdin carries the passphrase');
    pass = (await sources.readStdin()).replace(/\r?\n$/, '');
  } else if (sources.prompt) pass = await sources.prompt();
  else {
    throw new CircleError('INPUT_REQUIRED', 'A passphrase is needed but no one can be asked', { hint: 'Set CIRCLE_PASSPHRASE or pass --passphrase-stdin.' });
  }
  if (pass === '') throw new CircleError('USAGE', 'The passphrase is empty');
  return pass;
}
