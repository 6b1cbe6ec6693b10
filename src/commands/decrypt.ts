import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { CircleError } from '../core/errors.js';
import type { AgeIdentity } from '../core/age/types.js';
import type { DecryptResult } from '../core/age/types.js';

export default class Decrypt extends BaseCommand<typeof Decrypt> {
  static override summary = 'Decrypt an age v1 file (binary or armored).';
  static override description =
    'Streams in 64 KiB chunks, authenticating each; a truncated, reordered or modified file fails with exit 5 and, with -o, leaves no output behind. Identities: age identity files (AGE-SECRET-KEY-1…) or unencrypted SSH private keys (-i), or a passphrase when the file was made with one.';
  static override examples = [
    '<%= config.bin %> decrypt -i key.txt -o backup.tar backup.tar.age',
    '<%= config.bin %> decrypt -i ~/.ssh/id_ed25519 < notes.txt.age',
    'CIRCLE_PASSPHRASE=… <%= config.bin %> decrypt -o db.sql db.sql.age',
  ];
  static override args = { input: Args.string({ description: 'File to decrypt (default: stdin).' }) };
  static override flags = {
    identity: Flags.string({ char: 'i', multiple: true, description: 'Identity file: age keys or an SSH private key (repeatable).' }),
    passphrase: Flags.boolean({ char: 'p', description: 'The file was encrypted with a passphrase (asked for automatically when needed).' }),
    'passphrase-stdin': Flags.boolean({ description: 'Read the passphrase from stdin (the input must then be a file).' }),
    output: Flags.string({ char: 'o', description: 'Output file (default: stdout); written only if the whole file decrypts.' }),
  };

  async run(): Promise<DecryptResult> {
    const { args, flags } = await this.parse(Decrypt);
    const age = await import('../core/age/index.js');
    const { processFile } = await import('../core/age/file.js');
    const { youngGenerationCollector } = await import('../cli/process-tuning.js');
    const { resolvePassphrase } = await import('../core/age/passphrase.js');
    const { readInputFile } = await import('../core/files/user-paths.js');
    if (!flags.output && this.jsonEnabled()) throw new CircleError('USAGE', '--json needs -o FILE: stdout cannot carry both the plaintext and the JSON result');
    const identities: AgeIdentity[] = [];
    for (const file of flags.identity ?? []) identities.push(...age.parseIdentityFile(await readInputFile(file, 'Identity file')));
    // The passphrase is asked for only if the header turns out to hold a scrypt stanza.
    identities.push({
      unwrap: async (stanzas) => {
        if (!stanzas.some((s) => s.type === 'scrypt')) return undefined;
        const pass = await resolvePassphrase({
          fromStdin: flags['passphrase-stdin'],
          stdinIsData: args.input === undefined || args.input === '-',
          readStdin: () => this.readStdin(),
          prompt: this.canPrompt() ? () => promptPassphrase(this.io.err.stream, this.io.in.stream) : undefined,
        });
        return new age.ScryptIdentity(pass).unwrap(stanzas);
      },
    });
    await processFile(args.input, age.createDecryptor(identities), flags.output, { collect: youngGenerationCollector(), stdio: { stdin: this.io.in.stream, stdout: this.io.out.stream } });
    if (flags.output) this.note(`Decrypted to ${flags.output}`);
    return { output: flags.output ?? '-' };
  }
}

async function promptPassphrase(output: NodeJS.WritableStream, input: NodeJS.ReadableStream): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message: 'Passphrase', mask: true }, { output, input });
}
