import type { Permission, Role } from './permissions.js';

/**
 * Who is acting, as far as a permission check is concerned. `require()` throws
 * PERMISSION_DENIED (exit 3) and records the denial in the audit log; `can()` only
 * answers, for operations that degrade instead of failing.
 */
export interface Authorizer {
  readonly role: Role;
  can(permission: Permission): boolean;
  require(permission: Permission, target?: string): Promise<void>;
}
