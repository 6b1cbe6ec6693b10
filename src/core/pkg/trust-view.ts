import { isCircleError } from '../errors.js';
import type { Registry } from './registry.js';

/**
 * Revocations the registry publishes in its keys document (`expires`). They can
 * only narrow trust: a key is trusted because this vault's trust list says so,
 * never because the registry lists it.
 */
const cache = new WeakMap<Registry, Promise<Map<string, string>>>();

export function registryRevocations(registry: Registry): Promise<Map<string, string>> {
  let p = cache.get(registry);
  if (!p) {
    p = registry.keysDocument().then((doc) => new Map(doc.keys.filter((k) => k.expires).map((k) => [k.keyid, k.expires!])));
    cache.set(registry, p);
  }
  return p;
}

export function isNotFound(error: unknown): boolean {
  return isCircleError(error) && error.code === 'NOT_FOUND';
}
