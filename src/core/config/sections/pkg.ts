import { z } from 'zod';

/** `pkg.*`: where the package registry lives, how signatures are enforced, and the publish gate. */
export const pkgSection = {
  'pkg.registry': z.string().max(2048).default('').describe('Store URL of the package registry (file://, s3://, azblob://); empty = <home>/pkg-registry.'),
  'pkg.scopeRegistries': z.string().max(8192).default('').describe('Per-scope registries, like npm\'s @acme:registry: "@acme=URL,@other=URL".'),
  'pkg.signatures': z.enum(['require', 'warn', 'off']).default('require').describe('Install and verify: require a signature by a trusted key, warn without one, or skip the check.'),
  'pkg.publish.failOn': z
    .enum(['low', 'moderate', 'high', 'critical', 'none'])
    .default('critical')
    .describe('Publish refuses any secret found in the package, and vulnerabilities at or above this severity; none = no gate.'),
};

type PkgValues = { [K in keyof typeof pkgSection]: z.output<(typeof pkgSection)[K]> };

export interface PkgPolicy {
  /** The default registry URL; undefined = `<home>/pkg-registry`. */
  registry: string | undefined;
  /** `@scope=URL,…` as configured (parsed by the registry layer). */
  scopeRegistries: string;
  signatures: PkgValues['pkg.signatures'];
  publishFailOn: PkgValues['pkg.publish.failOn'];
}

export function pkgPolicy(values: PkgValues): PkgPolicy {
  return {
    registry: values['pkg.registry'] === '' ? undefined : values['pkg.registry'],
    scopeRegistries: values['pkg.scopeRegistries'],
    signatures: values['pkg.signatures'],
    publishFailOn: values['pkg.publish.failOn'],
  };
}
