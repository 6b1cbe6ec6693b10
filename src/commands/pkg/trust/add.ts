import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { registryFlag } from '../../../cli/pkg.js';
import type { PkgTrustAddResult } from '../../../core/pkg/types.js';

export default class PkgTrustAdd extends BaseCommand<typeof PkgTrustAdd> {
  static override summary = 'Trust a publisher key for installs (maintainer).';
  static override description = 'Adds a publisher\'s Ed25519 public key to this vault\'s trust list: a PEM block or base64 SPKI (what `circle pkg keys export` prints), or a key id that the registry\'s keys document lists. --scope limits the key to packages of one scope.';
  static override examples = [
    '<%= config.bin %> pkg trust add --file acme-publisher.pem --scope @acme',
    '<%= config.bin %> pkg trust add MCowBQYDK2VwAyEA…',
    '<%= config.bin %> pkg trust add SHA256:abc…',
  ];
  static override args = { key: Args.string({ description: 'Public key (base64 SPKI) or key id; or use --file.' }) };
  static override flags = {
    file: Flags.string({ description: 'Read the public key (PEM) from this file.' }),
    scope: Flags.string({ description: 'Trust the key only for @scope/… packages.' }),
    registry: registryFlag,
  };

  async run(): Promise<PkgTrustAddResult> {
    const { args, flags } = await this.parse(PkgTrustAdd);
    const home = (await this.home()).dir;
    const ctx = await (await this.circle()).unlock();
    const { addTrustedKey, parsePublicKey } = await import('../../../core/pkg/keystore.js');
    const { CircleError } = await import('../../../core/errors.js');
    const given = flags.file ? await (await import('node:fs/promises')).readFile(flags.file, 'utf8') : args.key;
    if (given === undefined) throw new CircleError('INPUT_REQUIRED', 'Which key? Pass it as an argument or with --file');
    let keyText = given;
    if (keyText.startsWith('SHA256:')) {
      // A bare key id: take the key from the registry, and check it hashes to that id.
      const { openRegistries } = await import('../../../cli/pkg.js');
      const doc = await (await openRegistries(home, await this.settings(), flags.registry)).defaultRegistry.keysDocument();
      const listed = doc.keys.find((k) => k.keyid === keyText);
      if (!listed) throw new CircleError('NOT_FOUND', `The registry lists no key ${keyText}`, { hint: 'Pass the public key itself (`circle pkg keys export` on the publisher\'s side).' });
      keyText = listed.key;
    }
    const publicKey = parsePublicKey(keyText);
    const { spkiKeyId } = await import('../../../core/crypto/ed25519.js');
    if (given.startsWith('SHA256:') && spkiKeyId(publicKey) !== given) {
      throw new CircleError('INTEGRITY', `The registry's key for ${given} has a different key id`);
    }
    const entry = await addTrustedKey(ctx, publicKey, flags.scope);
    if (!this.jsonEnabled()) this.log(`Trusted ${entry.keyid}${entry.scope ? ` for ${entry.scope}` : ''}`);
    return entry;
  }
}
