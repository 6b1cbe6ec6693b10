/**
 * Authorization: the roles, the permissions, and the one interface every core
 * operation checks through. An unlocked `VaultContext` is an `Authorizer`; so is
 * a `Circle` once it has unlocked a principal.
 */
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, roleSchema, roleHas, permissionsOf, type Permission, type Role } from './permissions.js';
export type { Authorizer } from './authorizer.js';
