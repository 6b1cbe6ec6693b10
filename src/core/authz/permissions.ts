import { z } from 'zod';

/**
 * The one place that says who may do what. Core checks a permission on every
 * operation through `VaultContext.require()`; commands never decide this.
 */
export const PERMISSIONS = [
  'secrets.read',
  'secrets.write',
  'keys.read',
  'keys.rotate',
  'users.read',
  'users.manage',
  'tokens.manage',
  'audit.read',
  'audit.write',
  /** Sign checkpoints of the audit log (admin and maintainer). */
  'audit.checkpoint',
  'config.read',
  'config.write',
  'scan.run',
  'pkg.publish',
  /** Install packages from a circle registry (developer, ci, maintainer, admin). */
  'pkg.install',
  'license.issue',
  'deploy.apply',
  /** Take and prune encrypted backups of the home (admin and maintainer). */
  'backup.create',
  /** Restore a backup over an existing home (admin and maintainer). */
  'backup.restore',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'maintainer', 'developer', 'viewer', 'ci'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

const READS: Permission[] = ['secrets.read', 'keys.read', 'users.read', 'audit.read', 'config.read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  // Only admin manages users and machine tokens.
  admin: new Set(PERMISSIONS),
  maintainer: new Set(PERMISSIONS.filter((p) => p !== 'users.manage' && p !== 'tokens.manage')),
  developer: new Set<Permission>([...READS, 'secrets.write', 'config.write', 'scan.run', 'audit.write', 'pkg.install']),
  // viewer reads only.
  viewer: new Set<Permission>(READS),
  // CI reads secrets and runs scans; it cannot change anything.
  ci: new Set<Permission>(['secrets.read', 'config.read', 'scan.run', 'pkg.install']),
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role].has(p));
}
