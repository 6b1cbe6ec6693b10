import { Transform } from 'node:stream';
import type { Circle } from '../core/context/circle.js';
import type { ObjectStore } from '../core/storage/types.js';
import type { Progress } from './progress.js';

/**
 * Opens the store a command names (`URL` argument or `--store`), else
 * `storage.url` from the configuration, else `<home>/storage`. `secret://`
 * credential references are read from the secrets store only when the URL has some.
 */
export async function openCommandStore(circle: Circle, url: string | undefined): Promise<ObjectStore> {
  const { openStore } = await import('../core/storage/index.js');
  const settings = await circle.settings();
  const policies = await circle.policies(settings);
  return openStore(url ?? policies.storage.url, {
    home: circle.home,
    readSecret: async (reference) => {
      const { parseSecretReference, backendSecretReader } = await import('../core/secrets/references.js');
      const { openCommandBackend } = await import('./secrets-backend.js');
      const ref = parseSecretReference(reference);
      if (ref === undefined) throw new Error('not a secret reference');
      const read = backendSecretReader((env) => openCommandBackend(circle, settings, {}, { env }));
      return read({ env: ref.env ?? settings.environment, name: ref.name });
    },
  });
}

/** Counts bytes through a transfer and shows them on the progress line once it has taken a second. */
export function transferMeter(progress: () => Progress, label: string): { meter: Transform; done(): number } {
  let bytes = 0;
  let shown: Progress | undefined;
  const started = Date.now();
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (shown === undefined && Date.now() - started > 1000) shown = progress();
      shown?.update(`${label} ${formatBytes(bytes)}`);
      callback(null, chunk);
    },
  });
  return {
    meter,
    done() {
      shown?.stop();
      return bytes;
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
