import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { CircleError } from '../core/errors.js';
import type { EncryptResult } from '../core/age/types.js';

export default class Encrypt extends BaseCommand<typeof Encrypt> {
  static override summary = 'Encrypt a file in the age v1 format.';
  static override description =
    'Streams the input in 64 KiB chunks (constant memory) and writes an age-encryption.org/v1 file that Debian\'s `age` and other age tools can decrypt. Recipients: age1… X25519 keys, ssh-ed25519 and ssh-rsa public keys, or a passphrase (scrypt). Output to a file is written atomically.';
  static override examples = [
    '<%= config.bin %> encrypt -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p -o backup.tar.age backup.tar',
    '<%= config.bin %> encrypt -R ~/.ssh/id_ed25519.pub -a < notes.txt > notes.txt.age',
    'CIRCLE_PASSPHRASE=… <%= config.bin %> encrypt -p -o db.sql.age db.sql',
  ];
  static override args = { input: Args.string({ description: 'File to encrypt (default: stdin).' }) };
  static override flags = {
    recipient: Flags.string({ char: 'r', multiple: true, description: 'Recipient: age1… or an SSH public key line (repeatable).' }),
    'recipients-file': Flags.string({ char: 'R', multiple: true, description: 'File of recipients, one per line (repeatable).' }),
    passphrase: Flags.boolean({ char: 'p', description: 'Encrypt with a passphrase (from $CIRCLE_PASSPHRASE, --passphrase-stdin, or a prompt).' }),
    'passphrase-stdin': Flags.boolean({ description: 'Read the passphrase from stdin (the input must then be a file).', dependsOn: ['passphrase'] }),
    armor: Flags.boolean({ char: 'a', description: 'Write PEM-style ASCII armor.' }),
    output: Flags.string({ char: 'o', description: 'Output file (default: stdout).' }),
  };

  async run(): Promise<EncryptResult> {
    const { args, flags } = await this.parse(Encrypt);
    const age = await import('../core/age/index.js');
    const { processFile } = await import('../core/age/file.js');
    const { youngGenerationCollector } = await import('../cli/process-tuning.js');
    const { readInputFile } = await import('../core/files/user-paths.js');
    const { resolvePassphrase } = await import('../core/age/passphrase.js');
    const recipients = [...(flags.recipient ?? []).map((r) => age.parseRecipient(r))];
    for (const file of flags['recipients-file'] ?? []) recipients.push(...age.parseRecipientsFile(await readInputFile(file, 'Recipients file')));
    if (flags.passphrase) {
      if (recipients.length > 0) throw new CircleError('USAGE', '-p cannot be combined with -r or -R');
      const pass = await resolvePassphrase({
        fromStdin: flags['passphrase-stdin'],
        stdinIsData: args.input === undefined || args.input === '-',
        readStdin: () => this.readStdin(),
        prompt: this.canPrompt() ? () => promptNewPassphrase(this.io.err.stream, this.io.in.stream) : undefined,
      });
      recipients.push(new age.ScryptRecipient(pass));
    }
    if (recipients.length === 0) throw new CircleError('INPUT_REQUIRED', 'No recipients', { hint: 'Pass -r age1…, -R FILE or -p.' });
    if (!flags.output && this.jsonEnabled()) throw new CircleError('USAGE', '--json needs -o FILE: stdout cannot carry both the ciphertext and the JSON result');
    if (!flags.output && this.io.out.isTTY && !flags.armor) {
      throw new CircleError('USAGE', 'Refusing to write binary ciphertext to a terminal', { hint: 'Pass -o FILE, redirect stdout, or use -a.' });
    }
    await processFile(args.input, await age.createEncryptor(recipients, { armor: flags.armor }), flags.output, { collect: youngGenerationCollector(), stdio: { stdin: this.io.in.stream, stdout: this.io.out.stream } });
    if (flags.output) this.note(`Encrypted to ${flags.output}`);
    return { output: flags.output ?? '-', recipients: recipients.length, armor: Boolean(flags.armor), passphrase: Boolean(flags.passphrase) };
  }
}

async function promptNewPassphrase(output: NodeJS.WritableStream, input: NodeJS.ReadableStream): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  const context = { output, input };
  const first = await password({ message: 'Passphrase', mask: true }, context);
  const second = await password({ message: 'Confirm passphrase', mask: true }, context);
  if (first !== second) throw new CircleError('USAGE', 'The passphrases do not match');
  return first;
}
