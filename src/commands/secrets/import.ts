import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { envFlag, identityFlag, personalFlag } from '../../cli/flags.js';
import { CircleError } from '../../core/errors.js';
import type { SecretsImportResult } from '../../core/secrets/types.js';

export default class SecretsImport extends BaseCommand<typeof SecretsImport> {
  static override summary = 'Import secrets from a dotenv file (or JSON), then offer to delete the plaintext.';
  static override description =
    "Parsing is the dotenv package's own, so quotes, escapes, multiline values, comments and `export` prefixes behave exactly as in dotenv. All names are written in one locked update. On a terminal you are asked whether to delete the plaintext file; otherwise pass --delete-source.";
  static override examples = ['<%= config.bin %> secrets import --from-dotenv .env', '<%= config.bin %> secrets import --from-dotenv .env.production --env production --delete-source', '<%= config.bin %> secrets import --from-json secrets.json'];
  static override flags = {
    env: envFlag,
    personal: personalFlag,
    'from-dotenv': Flags.string({ description: 'A dotenv file.', exactlyOne: ['from-dotenv', 'from-json'] }),
    'from-json': Flags.string({ description: 'A JSON object of string values.', exactlyOne: ['from-dotenv', 'from-json'] }),
    'delete-source': Flags.boolean({ description: 'Delete the plaintext file after a successful import.' }),
    identity: identityFlag,
    label: Flags.string({ description: 'Your recipient label when this creates the environment file (default: your user name).' }),
  };

  async run(): Promise<SecretsImportResult> {
    const { flags } = await this.parse(SecretsImport);
    const { unlink } = await import('node:fs/promises');
    const { userInfo } = await import('node:os');
    const { z } = await import('zod');
    const { openCommandBackend } = await import('../../cli/secrets-backend.js');
    const { parseDotenv } = await import('../../core/secrets/index.js');
    const source = (flags['from-dotenv'] ?? flags['from-json'])!;
    const { readInputFile } = await import('../../core/files/user-paths.js');
    const text = await readInputFile(source, 'Input file');
    let values: Record<string, string>;
    if (flags['from-dotenv']) values = parseDotenv(text, source);
    else {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new CircleError('USAGE', `${source} is not valid JSON`);
      }
      const r = z.record(z.string(), z.string()).safeParse(raw);
      if (!r.success) throw new CircleError('USAGE', `${source} must be a JSON object of string values`);
      values = r.data;
    }
    if (Object.keys(values).length === 0) throw new CircleError('USAGE', `${source} holds no variables`);
    const home = (await this.home()).dir;
    const cfg = await this.settings({ environment: flags.env });
    const backend = await openCommandBackend(await this.circle(), cfg, flags, { createAs: flags.label ?? userInfo().username });
    const results = await backend.setMany(values);
    this.note(`Imported ${results.length} secrets into ${backend.env}`);
    let deleteSource = flags['delete-source'];
    if (!deleteSource && this.canPrompt()) {
      const { confirm } = await import('@inquirer/prompts');
      deleteSource = await confirm({ message: `Delete the plaintext file ${source} now?`, default: true }, { output: this.io.err.stream, input: this.io.in.stream });
    }
    if (deleteSource) {
      await unlink(source);
      this.note(`Deleted ${source}`);
    } else {
      this.warnLine(`${source} still holds the secrets in plaintext; delete it (and keep it out of git)`);
    }
    return { env: backend.env, source, imported: results.map((r) => ({ name: r.name, version: r.version })), deletedSource: Boolean(deleteSource) };
  }
}
