import { CircleError } from '../errors.js';
import type { ObjectStore } from '../storage/types.js';
import { Registry } from './registry.js';

/**
 * Which registry serves which package: one default, plus per-scope registries
 * like npm's `@acme:registry`. Opening a store is the caller's business (the
 * command opens them through the storage layer), so core stays testable on any
 * ObjectStore.
 */
export class RegistrySet {
  constructor(
    readonly defaultRegistry: Registry,
    private readonly scoped: ReadonlyMap<string, Registry> = new Map(),
  ) {}

  forName(name: string): Registry {
    if (name.startsWith('@')) {
      const scoped = this.scoped.get(name.slice(0, name.indexOf('/')));
      if (scoped) return scoped;
    }
    return this.defaultRegistry;
  }

  static of(store: ObjectStore): RegistrySet {
    return new RegistrySet(new Registry(store));
  }
}

/** `@acme=file:///srv/reg,@other=s3://bucket/x` → scope → URL. */
export function parseScopeRegistries(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const scope = eq === -1 ? '' : part.slice(0, eq).trim().replace(/:registry$/, '');
    const url = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (!/^@[a-z0-9][a-z0-9._~-]*$/.test(scope) || url === '') {
      throw new CircleError('CONFIG_INVALID', `Invalid scope registry ${JSON.stringify(part.slice(0, 200))}`, { hint: 'Write @scope=URL, comma-separated.' });
    }
    out.set(scope, url);
  }
  return out;
}
