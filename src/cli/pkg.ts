import { Flags } from '@oclif/core';
import type { ResolvedConfig } from '../core/config/resolve.js';
import type { RegistrySet } from '../core/pkg/sources.js';
import type { Registry } from '../core/pkg/registry.js';
import type { SignaturePolicy } from '../core/pkg/types.js';

/** Flags and helpers the `circle pkg` commands share. */
export const registryFlag = Flags.string({
  description: 'Registry store URL (file://…, s3://…, azblob://… or a folder); default: pkg.registry, else <home>/pkg-registry.',
  helpGroup: 'REGISTRY',
});

/** The default registry and the per-scope ones (`pkg.scopeRegistries`), opened through the storage layer. */
export async function openRegistries(home: string, config: ResolvedConfig, flag: string | undefined): Promise<RegistrySet> {
  const { openStore } = await import('../core/storage/index.js');
  const { Registry } = await import('../core/pkg/registry.js');
  const { RegistrySet, parseScopeRegistries } = await import('../core/pkg/sources.js');
  const path = await import('node:path');
  const url = flag || config.values['pkg.registry'] || path.join(home, 'pkg-registry');
  const main = new Registry(await openStore(url, { home }));
  const scoped = new Map<string, Registry>();
  // An explicit --registry wins over every scope mapping, as npm's --registry does for unscoped names.
  if (!flag) {
    for (const [scope, scopeUrl] of parseScopeRegistries(config.values['pkg.scopeRegistries'])) scoped.set(scope, new Registry(await openStore(scopeUrl, { home })));
  }
  return new RegistrySet(main, scoped);
}

export async function openRegistryFor(home: string, config: ResolvedConfig, flag: string | undefined, name: string): Promise<Registry> {
  return (await openRegistries(home, config, flag)).forName(name);
}

export function signaturePolicy(config: ResolvedConfig): SignaturePolicy {
  return config.values['pkg.signatures'];
}

/** `name@version` → its parts; the version part is required. */
export async function splitNameVersion(spec: string): Promise<{ name: string; version: string }> {
  const { CircleError } = await import('../core/errors.js');
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at <= 0 || at === spec.length - 1) throw new CircleError('USAGE', `Expected NAME@VERSION, got ${JSON.stringify(spec.slice(0, 200))}`);
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}
